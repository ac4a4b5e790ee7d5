#!/usr/bin/env node
/**
 * Golden descriptors for the dlib ResNet-29 backbone (src/face/backbone/dlib-resnet.test.ts),
 * computed with @vladmandic/face-api's OWN implementation: its browser bundle
 * dist/face-api.esm.js (which carries its own copy of tfjs, cpu backend), its own weight
 * decoding (tf.io.decodeWeights) and its FaceRecognitionNet.computeFaceDescriptor. Nothing
 * of our forward pass or weight reader is used; only the chips (our alignment to
 * DLIB_CHIP_TEMPLATE, from the compiled dist/) are shared, and a checksum of each chip is
 * stored so the test can tell an alignment change from a forward-pass change.
 *
 * Normalisation: face-api 1.7.15 computes (x − mean)/255 where dlib (dlib/dnn/input.h)
 * and our backbone use (x − mean)/256. To compare forward passes, face-api is fed
 * x' = mean + (x − mean)·255/256, so that its (x' − mean)/255 = (x − mean)/256. The
 * descriptor with face-api's own /255 on the unmodified chip is stored too, for the record.
 *
 * Running the bundle in Node needs three shims (it is built for browsers): process.versions.node
 * is hidden while the module initialises (its Node platform needs require('util'), absent
 * from an ES module bundle), a minimal tfjs platform is set instead, and face-api's
 * environment gets placeholder Canvas/Image classes (only tensors are passed in).
 *
 * Run once from the package root (after `npm run build`):
 *   node scripts/golden/make-dlib-golden.mjs
 * It rewrites fixtures/golden/dlib-resnet-golden.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { loadFixtureFaces } = await import(path.join(root, 'dist/face/models/fixtureFaces.js'));
const { alignFaceTo } = await import(path.join(root, 'dist/face/align/align.js'));
const { DLIB_CHIP_TEMPLATE } = await import(path.join(root, 'dist/face/backbone/dlib-chip.js'));

/** The fixture faces used (two of one person, one other person). */
const NAMES = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0002.jpg', 'Adrien_Brody/Adrien_Brody_0001.jpg'];
/** face-api's mean RGB (FaceRecognitionNet.ts), equal to dlib's avg_red/green/blue. */
const MEAN = [122.782, 117.001, 104.298];

const faceApiDir = path.join(root, 'node_modules', '@vladmandic', 'face-api');
const realVersions = process.versions;
Object.defineProperty(process, 'versions', { value: { ...realVersions, node: undefined }, configurable: true });
const faceapi = await import(path.join(faceApiDir, 'dist', 'face-api.esm.js'));
Object.defineProperty(process, 'versions', { value: realVersions, configurable: true });
const tf = faceapi.tf;
tf.env().setPlatform('node-golden', {
  fetch,
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, encoding) => new TextDecoder(encoding).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
  setTimeoutCustom: setTimeout,
});
class Placeholder {}
faceapi.env.monkeyPatch({ Canvas: Placeholder, Image: Placeholder, ImageData: Placeholder, Video: Placeholder, createCanvasElement: () => ({}), createImageElement: () => ({}), fetch });
if (!(await tf.setBackend('cpu'))) throw new Error('face-api bundle: cpu backend failed');
await tf.ready();

const manifest = JSON.parse(readFileSync(path.join(faceApiDir, 'model', 'face_recognition_model-weights_manifest.json'), 'utf8'));
const bin = readFileSync(path.join(faceApiDir, 'model', manifest[0].paths[0]));
const weightMap = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights);
const net = faceapi.nets.faceRecognitionNet;
net.loadFromWeightMap(weightMap);

/** face-api's descriptor of a 150×150×3 float chip. */
async function describe(values) {
  const x = tf.tensor3d(values, [150, 150, 3], 'float32');
  const d = await net.computeFaceDescriptor(x);
  x.dispose();
  return Array.from(d);
}

const faces = await loadFixtureFaces();
if (typeof faces === 'string') throw new Error(faces);
const out = [];
for (const name of NAMES) {
  const face = faces.find((f) => f.name === name);
  if (face === undefined) throw new Error(`fixture ${name} missing`);
  const chip = alignFaceTo(face.image, face.mtcnn, DLIB_CHIP_TEMPLATE).image;
  let byteSum = 0;
  let weightedSum = 0;
  for (let i = 0; i < chip.data.length; i++) {
    byteSum += chip.data[i];
    weightedSum = (weightedSum + (i % 9973) * chip.data[i]) % 2147483647;
  }
  const dlibScaled = new Float32Array(chip.data.length);
  const raw = new Float32Array(chip.data.length);
  for (let i = 0; i < chip.data.length; i++) {
    const m = MEAN[i % 3];
    dlibScaled[i] = m + ((chip.data[i] - m) * 255) / 256;
    raw[i] = chip.data[i];
  }
  out.push({ name, chip: { size: chip.width, byteSum, weightedSum }, descriptor: await describe(dlibScaled), descriptorFaceApi255: await describe(raw) });
  console.log(`${name}: done`);
}

const golden = {
  generator: 'scripts/golden/make-dlib-golden.mjs',
  reference: '@vladmandic/face-api 1.7.15 dist/face-api.esm.js, FaceRecognitionNet.computeFaceDescriptor, tfjs cpu backend',
  chip: 'alignFaceTo(fixture, MTCNN landmarks ×0.6, DLIB_CHIP_TEMPLATE); chip.weightedSum = Σ (i mod 9973)·byte_i mod 2147483647',
  descriptor: "raw 128-d output with dlib's input (x − mean)/256 (face-api fed mean + (x − mean)·255/256)",
  descriptorFaceApi255: "raw 128-d output with face-api's own input (x − mean)/255",
  faces: out,
};
writeFileSync(path.join(root, 'fixtures', 'golden', 'dlib-resnet-golden.json'), JSON.stringify(golden, null, 1) + '\n');
console.log('wrote fixtures/golden/dlib-resnet-golden.json');
