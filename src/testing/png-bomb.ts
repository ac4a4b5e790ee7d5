/**
 * A decompression bomb for tests: a valid 1-bit greyscale PNG whose header says
 * width×height pixels, all black, deflated to a few hundred kilobytes (zeros compress
 * about 1000:1). Decoding it would need width×height×3 bytes.
 */
import { deflateSync } from 'node:zlib';

/** CRC-32 (ISO 3309, the PNG chunk checksum), table-less bitwise form: test data only. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The PNG bytes of a width×height 1-bit image of zeros.
 * @param width pixels (≤ 2^31 − 1)
 * @param height pixels
 */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  // Each scanline: a filter byte (0 = none) and ceil(width / 8) bytes of packed pixels.
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  const idat = deflateSync(raw, { level: 1 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
