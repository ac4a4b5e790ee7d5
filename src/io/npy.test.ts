import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { PfeError } from '../core/errors.js';
import { fixturePath } from '../testing/paths.js';
import { encodeNpy, parseMatrixNpy, parseNpy } from './npy.js';

function expectError(fn: () => unknown, code: string, ...messageParts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PfeError, `expected PfeError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const part of messageParts) assert.match(e.message, part);
    return true;
  });
}

/** Asserts two float arrays are bit-for-bit equal as values (Object.is: -0 ≠ 0, NaN = NaN). */
function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Object.is(actual[k], expected[k]), `element ${k}: got ${actual[k]}, expected ${expected[k]}`);
  }
}

/** Builds an npy file by hand: magic, version, header length, the header text as given, data. */
function craft(header: string, options: { major?: number; data?: Uint8Array; utf8?: boolean } = {}): Uint8Array {
  const major = options.major ?? 1;
  const headerBytes =
    options.utf8 === true ? new TextEncoder().encode(header) : Uint8Array.from(header, (c) => c.charCodeAt(0));
  const lengthBytes = major === 1 ? 2 : 4;
  const data = options.data ?? new Uint8Array(0);
  const out = new Uint8Array(8 + lengthBytes + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + headerBytes.length);
  return out;
}

function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

interface ExpectedFixture {
  shape: number[];
  values: (number | 'nan' | 'inf' | '-inf')[];
}

const expected = JSON.parse(readFileSync(fixturePath('npy', 'expected.json'), 'utf8')) as Record<string, ExpectedFixture>;

function decodeExpected(values: ExpectedFixture['values']): number[] {
  return values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v));
}

describe('parseNpy on files written by numpy', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name} with numpy's shape and exact values`, () => {
      const { shape, data } = parseNpy(readFileSync(fixturePath('npy', name)));
      assert.deepEqual(shape, want.shape);
      assertSameValues(data, decodeExpected(want.values));
    });
  }
  it('covers format versions 1.0, 2.0 and 3.0', () => {
    for (const major of [1, 2, 3]) {
      const bytes = readFileSync(fixturePath('npy', `f4_2d_v${major}.npy`));
      assert.equal(bytes[6], major, `fixture f4_2d_v${major}.npy has version byte ${bytes[6]}`);
    }
  });
  it('rejects other dtypes, byte orders and layouts with UNSUPPORTED_FORMAT saying what was found', () => {
    const read = (name: string) => () => parseNpy(readFileSync(fixturePath('npy', name)));
    expectError(read('f8_2d.npy'), 'UNSUPPORTED_FORMAT', /'<f8' \(little-endian float64\)/, /expected '<f4'/);
    expectError(read('f4_bigendian.npy'), 'UNSUPPORTED_FORMAT', /'>f4' \(big-endian float32\)/);
    expectError(read('u1_2d.npy'), 'UNSUPPORTED_FORMAT', /'\|u1'/);
    expectError(read('object_1d.npy'), 'UNSUPPORTED_FORMAT', /'\|O' \(Python objects/);
    expectError(read('f4_fortran.npy'), 'UNSUPPORTED_FORMAT', /Fortran/, /expected C order/);
  });
  it('decodes a 3.0 header as UTF-8 (the structured field name survives into the message)', () => {
    const bytes = readFileSync(fixturePath('npy', 'structured_v3.npy'));
    assert.equal(bytes[6], 3);
    expectError(() => parseNpy(bytes), 'UNSUPPORTED_FORMAT', /structured dtype \[\('\u03c3\u00b2', '<f4'\)\]/);
  });
});

describe('parseNpy header parsing', () => {
  const sixFloats = float32Bytes([1, 2, 3, 4, 5, 6]);
  it('is robust to spacing, key order, double quotes, trailing commas and Python 2 longs', () => {
    const headers = [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      '{ "shape" : ( 2 ,3 ) , "fortran_order":False ,"descr":"<f4" }\n',
      "{'descr':'<f4','fortran_order':False,'shape':(2L,3L)}" + ' '.repeat(40) + '\n',
    ];
    for (const h of headers) {
      const { shape, data } = parseNpy(craft(h, { data: sixFloats }));
      assert.deepEqual(shape, [2, 3], h);
      assertSameValues(data, [1, 2, 3, 4, 5, 6]);
    }
  });
  it('reads 1-tuples, 0-d shapes and empty arrays', () => {
    const header = (shape: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}}`;
    assert.deepEqual(parseNpy(craft(header('(6,)'), { data: sixFloats })).shape, [6]);
    const scalar = parseNpy(craft(header('()'), { data: float32Bytes([7.5]) }));
    assert.deepEqual(scalar.shape, []);
    assertSameValues(scalar.data, [7.5]);
    const empty = parseNpy(craft(header('(0, 128)')));
    assert.deepEqual(empty.shape, [0, 128]);
    assert.equal(empty.data.length, 0);
  });
  it('decodes 1.0/2.0 headers as latin1 and 3.0 headers as UTF-8', () => {
    const structured = "{'descr': [('caf\u00e9', '<f4')], 'fortran_order': False, 'shape': (1,)}";
    expectError(() => parseNpy(craft(structured, { major: 1 })), 'UNSUPPORTED_FORMAT', /'caf\u00e9'/);
    expectError(() => parseNpy(craft(structured, { major: 3, utf8: true })), 'UNSUPPORTED_FORMAT', /'caf\u00e9'/);
    // The same UTF-8 bytes read as 2.0 (latin1) are two characters, not é.
    const asV2 = craft(structured, { major: 2, utf8: true });
    expectError(() => parseNpy(asV2), 'UNSUPPORTED_FORMAT', /'caf\u00c3\u00a9'/);
    const badUtf8 = craft("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}  \u00ff", { major: 3 });
    expectError(() => parseNpy(badUtf8), 'INVALID_FORMAT', /not valid UTF-8/);
  });
  it('rejects malformed headers with INVALID_FORMAT saying what was found', () => {
    const bad = (h: string, ...parts: RegExp[]) => expectError(() => parseNpy(craft(h, { data: sixFloats })), 'INVALID_FORMAT', ...parts);
    bad("{'descr': '<f4', 'shape': (6,)}", /keys \[descr, shape\]/, /expected exactly descr, fortran_order, shape/);
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", /keys \[descr, fortran_order, shape, x\]/);
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", /'shape' is 6; expected a tuple/);
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", /'shape' is \(-6,\)/);
    bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", /'fortran_order' is 0; expected True or False/);
    bad("{'descr': 4, 'fortran_order': False, 'shape': (6,)}", /'descr' is 4/);
    bad("['descr', '<f4']", /expected a dict/);
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)", /expected ','/);
  });
});

describe('parseNpy structural errors', () => {
  const good = encodeNpy([2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
  it('rejects a wrong magic string, hinting at .npz archives', () => {
    expectError(() => parseNpy(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0])), 'INVALID_FORMAT', /found 50 4b 03 04 00 00/, /zip/);
    expectError(() => parseNpy(new Uint8Array(0)), 'INVALID_FORMAT', /found nothing/);
  });
  it('rejects unknown format versions with UNSUPPORTED_FORMAT', () => {
    const v4 = good.slice();
    v4[6] = 4;
    expectError(() => parseNpy(v4), 'UNSUPPORTED_FORMAT', /version 4\.0/, /expected 1\.0, 2\.0 or 3\.0/);
    const v11 = good.slice();
    v11[7] = 1;
    expectError(() => parseNpy(v11), 'UNSUPPORTED_FORMAT', /version 1\.1/);
  });
  it('rejects truncation anywhere, and data that does not match the shape', () => {
    expectError(() => parseNpy(good.subarray(0, 7)), 'INVALID_FORMAT', /truncated/);
    expectError(() => parseNpy(good.subarray(0, 9)), 'INVALID_FORMAT', /truncated/);
    expectError(() => parseNpy(good.subarray(0, 40)), 'INVALID_FORMAT', /header truncated/);
    expectError(() => parseNpy(good.subarray(0, good.length - 1)), 'INVALID_FORMAT', /data is 23 bytes but shape \(2, 3\) of float32 needs 24/);
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expectError(() => parseNpy(longer), 'INVALID_FORMAT', /data is 28 bytes/);
  });
  it('rejects shapes whose byte size is not representable without allocating', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000)}";
    expectError(() => parseNpy(craft(header)), 'INVALID_FORMAT', /needs/);
  });
});

describe('parseNpy data alignment', () => {
  const values = [0.25, -1, 3.5, Math.fround(1e-7), 42, -0];
  const file = encodeNpy([3, 2], new Float32Array(values));
  it('returns a view when the data is 4-byte aligned', () => {
    const { data } = parseNpy(file);
    assert.equal(data.buffer, file.buffer);
    assertSameValues(data, values);
  });
  it('copies into an aligned array when the data offset is not a multiple of 4', () => {
    for (const shift of [1, 2, 3]) {
      const backing = new Uint8Array(file.length + shift);
      backing.set(file, shift);
      const { shape, data } = parseNpy(backing.subarray(shift));
      assert.deepEqual(shape, [3, 2]);
      assert.equal(data.byteOffset % 4, 0);
      assertSameValues(data, values);
    }
  });
});

describe('encodeNpy', () => {
  it('round-trips shapes of every rank, starting the data at a multiple of 64 bytes', () => {
    const cases: [number[], number[]][] = [
      [[], [3.25]],
      [[4], [1, -2, 3, -4]],
      [[0, 5], []],
      [[2, 3], [1, 2, 3, 4, 5, 6]],
      [[1, 2, 2], [9, 8, 7, 6]],
    ];
    for (const [shape, values] of cases) {
      const bytes = encodeNpy(shape, new Float32Array(values));
      assert.equal(bytes[6], 1, 'version 1.0');
      const headerLength = bytes[8]! | (bytes[9]! << 8);
      assert.equal((10 + headerLength) % 64, 0, `data offset for shape ${shape}`);
      assert.equal(bytes[10 + headerLength - 1], 0x0a, 'header ends with a newline');
      const back = parseNpy(bytes);
      assert.deepEqual(back.shape, shape);
      assertSameValues(back.data, values);
    }
  });
  it('falls back to format 2.0 when the header exceeds 1.0 limits', () => {
    const shape = new Array<number>(25_000).fill(1); // "1, " × 25000 > 65535 header bytes
    const bytes = encodeNpy(shape, new Float32Array([5]));
    assert.equal(bytes[6], 2);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    assert.ok(headerLength > 0xffff);
    assert.equal((12 + headerLength) % 64, 0);
    const back = parseNpy(bytes);
    assert.equal(back.shape.length, 25_000);
    assertSameValues(back.data, [5]);
  });
  it('writes subarray views correctly (respects byteOffset)', () => {
    const all = new Float32Array([1, 2, 3, 4, 5]);
    assertSameValues(parseNpy(encodeNpy([2], all.subarray(3))).data, [4, 5]);
  });
  it('rejects data that does not fit the shape', () => {
    expectError(() => encodeNpy([2, 2], new Float32Array(3)), 'INVALID_ARGUMENT', /3 values but shape \(2, 2\) needs 4/);
    expectError(() => encodeNpy([-1], new Float32Array(0)), 'INVALID_ARGUMENT', /non-negative/);
    expectError(() => encodeNpy([1.5], new Float32Array(1)), 'INVALID_ARGUMENT');
  });
  it('round-trips random float32 matrices bit-exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.float32Array({ minLength: 36, maxLength: 36 }),
        (rows, cols, pool) => {
          const data = pool.subarray(0, rows * cols);
          const back = parseMatrixNpy(encodeNpy([rows, cols], data));
          assert.equal(back.rows, rows);
          assert.equal(back.cols, cols);
          assertSameValues(back.data, data);
        },
      ),
    );
  });
});

describe('parseMatrixNpy', () => {
  it('returns rows and cols of a 2-D array and rejects other ranks with DIMENSION_MISMATCH', () => {
    const m = parseMatrixNpy(encodeNpy([2, 3], new Float32Array(6)));
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 3);
    expectError(() => parseMatrixNpy(encodeNpy([6], new Float32Array(6))), 'DIMENSION_MISMATCH', /found shape \(6,\)/);
    expectError(() => parseMatrixNpy(encodeNpy([1, 2, 3], new Float32Array(6))), 'DIMENSION_MISMATCH', /\(1, 2, 3\)/);
  });
});

describe('parseNpy on corrupt input (property)', () => {
  const allowed = new Set(['INVALID_FORMAT', 'UNSUPPORTED_FORMAT']);
  function onlyFormatErrors(bytes: Uint8Array): void {
    try {
      parseNpy(bytes);
    } catch (e) {
      if (!(e instanceof PfeError) || !allowed.has(e.code)) throw e;
    }
  }
  const valid = encodeNpy([3, 4], new Float32Array(12).fill(1.5));
  it('never throws anything but a format PfeError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), onlyFormatErrors), { numRuns: 2000 });
  });
  it('never throws anything but a format PfeError on a valid file with corrupted or cut bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat({ max: valid.length }),
        (edits, cut) => {
          const bytes = valid.slice(0, cut);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          onlyFormatErrors(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('never throws anything but a format PfeError on random header text', () => {
    const tokens = fc.constantFrom("'descr'", "'<f4'", "'shape'", "'fortran_order'", 'False', 'True', '(', ')', '[', ']', '{', '}', ',', ':', '3', '0', '-1', ' ', "'", '"', '\\', 'L', '9999999999999999999');
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 40 }), fc.constantFrom(1, 2, 3), (parts, major) => {
        onlyFormatErrors(craft(parts.join(''), { major, data: new Uint8Array(12) }));
      }),
      { numRuns: 3000 },
    );
  });
});
