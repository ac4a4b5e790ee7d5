import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import type { NewFace } from './gallery-store.js';
import { formatImportLine, MAX_FACES_PER_LINE, maxImportLineBytes, parseImportLine } from './import-line.js';

const DIM = 16;

test('a formatted line parses back to the same float32 values, bit for bit, and stays under the bound', () => {
  const rng = new SeededRandom(11);
  // Values whose JSON text is longest: 17 significant digits and an exponent, subnormal floats.
  const mu = Float32Array.from({ length: DIM }, (_, l) => (l === 0 ? -1.1754942e-38 : l === 1 ? 1.4e-45 : l === 2 ? -3.4028235e38 : rng.nextGaussian() * 1e-7));
  const sigmaSq = Float32Array.from({ length: DIM }, () => 1e-30 + rng.nextFloat());
  const face = { mu, sigmaSq, uncertainty: 0, detectorScore: 0.5 };
  const subject = { id: 'x.y-z_1', name: 'Zoë "Z" \u00e9', faces: Array.from({ length: MAX_FACES_PER_LINE }, () => face) };
  const text = formatImportLine(subject);
  assert.ok(Buffer.byteLength(text) <= maxImportLineBytes(DIM), `${Buffer.byteLength(text)} bytes`);
  const parsed = parseImportLine(text, { dim: DIM, layout: 'diagonal' });
  assert.equal(parsed.id, subject.id);
  assert.equal(parsed.name, subject.name);
  assert.equal(parsed.faces.length, MAX_FACES_PER_LINE);
  assert.deepEqual(parsed.faces[7]!.mu, mu);
  assert.deepEqual(parsed.faces[7]!.sigmaSq, sigmaSq);
  assert.equal(parsed.faces[7]!.detectorScore, 0.5);
  assert.ok(parsed.faces[7]!.uncertainty! > 0);
  assert.throws(() => parseImportLine(formatImportLine({ ...subject, faces: [...subject.faces, face] }), { dim: DIM, layout: 'diagonal' }), /1001 faces on one line; at most 1000/);
});

test('9 significant digits give every finite float32 back bit for bit, and the line is shorter than with double text', () => {
  const rng = new SeededRandom(12);
  const bits = new Uint32Array(4096);
  // Random bit patterns (every exponent, subnormals included), plus the extremes.
  for (let k = 0; k < bits.length; k++) bits[k] = Math.floor(rng.nextFloat() * 2 ** 32);
  bits.set([0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x80000001, 0x3f800001, 0x00000000]);
  const all = new Float32Array(bits.buffer).filter((v) => Number.isFinite(v));
  const dim = 256;
  const faces: NewFace[] = [];
  for (let start = 0; start + dim <= all.length; start += dim) faces.push({ mu: all.slice(start, start + dim), sigmaSq: null, uncertainty: null, detectorScore: null });
  const text = formatImportLine({ id: 'bits', name: null, faces });
  const parsed = parseImportLine(text, { dim, layout: 'none' });
  parsed.faces.forEach((f, i) => assert.deepEqual(new Uint32Array(f.mu.buffer), new Uint32Array(faces[i]!.mu.buffer)));
  const doubleText = JSON.stringify({ id: 'bits', name: null, faces: faces.map((f) => ({ mu: Array.from(f.mu), sigmaSq: null, detectorScore: null })) });
  assert.ok(text.length < 0.8 * doubleText.length, `${text.length} vs ${doubleText.length} characters`);
});

test('a line without σ² for a gallery without a head; shapes and types are checked', () => {
  const space = { dim: 2, layout: 'none' } as const;
  assert.deepEqual(parseImportLine('{"id":"a","faces":[{"mu":[0.6,0.8]}]}', space), {
    id: 'a',
    name: null,
    faces: [{ mu: Float32Array.of(0.6, 0.8), sigmaSq: null, uncertainty: null, detectorScore: null }],
  });
  const refused: [string, RegExp][] = [
    ['[1,2]', /a line must be a JSON object/],
    ['{"id":"a","faces":[]}', /faces must be a non-empty array/],
    ['{"id":"a"}', /faces must be a non-empty array/],
    ['{"id":7,"faces":[{"mu":[1,0]}]}', /id must be a string/],
    ['{"id":"a","name":3,"faces":[{"mu":[1,0]}]}', /name must be a string or null/],
    ['{"id":"a","faces":[{"mu":[1,"0"]}]}', /faces\[0\]\.mu\[1\] is not a number/],
    ['{"id":"a","faces":[{"mu":[1,0],"sigmaSq":[1,1]}]}', /no uncertainty head/],
    ['{"id":"a","faces":[{"sigmaSq":null}]}', /faces\[0\] has no mu/],
    ['{"id":"a","faces":[{"mu":[1,0],"detectorScore":"high"}]}', /detectorScore must be a number or null/],
    ['{"id":"a","extra":1,"faces":[{"mu":[1,0]}]}', /unknown field 'extra' in the subject/],
    ['{"id":"..","faces":[{"mu":[1,0]}]}', /subject id must match/],
  ];
  for (const [line, message] of refused) assert.throws(() => parseImportLine(line, space), message, line);
});
