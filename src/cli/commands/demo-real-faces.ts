/**
 * The real-face part of `pfe demo`: a few LFW photos (committed as test fixtures) through
 * the whole chain — detection, alignment, faceres, the shipped uncertainty head — with
 * clean and degraded copies, printing cosine, MLS and each image's confidence.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDegradeSpec } from '../../face/degrade/spec.js';
import { loadLfwLandmarks } from '../../face/landmarks-file/lfw-landmarks.js';
import type { FiveLandmarks } from '../../face/types.js';
import { FaceEmbedder, type EmbeddedFace, type EmbedRequest } from '../../face/pipeline/face-embedder.js';
import { loadHeadFile } from '../../head/model-file.js';
import { compareFaces } from './compare.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'lfw');
/** The committed LFW fixture photos, found from this compiled file (dist/cli/commands). */
export const DEMO_IMAGES_DIR = path.join(FIXTURES, 'images');
/**
 * Their lines of the reference code's MTCNN landmark file. Degraded copies are aligned with
 * the clean photo's landmarks, as in the LFW experiments: at level 4 the detector can lose
 * the face, and this part shows what the embedding does, not the detector.
 */
const DEMO_LANDMARKS = path.join(FIXTURES, 'ldmark_lfw_mtcnncaffe.txt');

/** Degradation of the "poor photo" copies: ladder level 4 (blur 2 px, ×0.3 down-up, noise 8, JPEG 30). */
const POOR = 'level:4';

interface DemoImage {
  readonly label: string;
  readonly request: EmbedRequest;
}

interface ImageSpec {
  readonly person: string;
  readonly n: number;
  readonly poor: boolean;
}

function image(spec: ImageSpec, landmarks: ReadonlyMap<string, FiveLandmarks>): DemoImage {
  const { person, n, poor } = spec;
  const key = `${person}/${person}_${String(n).padStart(4, '0')}.jpg`;
  const l = landmarks.get(key);
  return {
    label: `${person.replace('_', ' ')} ${n}${poor ? ' (poor)' : ''}`,
    request: { path: path.join(DEMO_IMAGES_DIR, key), ...(l === undefined ? {} : { landmarks: l }), ...(poor ? { degrade: parseDegradeSpec(POOR), seed: n } : {}) },
  };
}

const IMAGES: readonly ImageSpec[] = [
  { person: 'Abdullah_Gul', n: 1, poor: false },
  { person: 'Abdullah_Gul', n: 2, poor: false },
  { person: 'Adrien_Brody', n: 1, poor: false },
  { person: 'Adrien_Brody', n: 3, poor: false },
  { person: 'Abdullah_Gul', n: 2, poor: true },
  { person: 'Adrien_Brody', n: 1, poor: true },
];
/** Pairs shown: [a, b, same person?], indices into IMAGES. */
const PAIRS: readonly [number, number, boolean][] = [
  [0, 1, true],
  [2, 3, true],
  [0, 2, false],
  [0, 4, true],
  [4, 5, false],
];

/**
 * Prints the real-face section. Returns false (after saying why) when the fixture photos
 * or the shipped head are not there, so the rest of the demo still runs.
 */
export async function runRealFaceDemo(headFile: string | undefined, out: (line: string) => void): Promise<boolean> {
  if (headFile === undefined) {
    out('(no uncertainty head in models/: skipping the real-face part)\n');
    return false;
  }
  const head = await loadHeadFile(headFile);
  const landmarks = await loadLfwLandmarks(DEMO_LANDMARKS);
  const images = IMAGES.map((spec) => image(spec, landmarks));
  const embedder = await FaceEmbedder.load();
  let results;
  try {
    results = await embedder.embedBatch(images.map((i) => i.request));
  } finally {
    embedder.dispose();
  }
  const failed = results.findIndex((r) => r.status === 'failed');
  if (failed >= 0) {
    const r = results[failed]!;
    out(`(real-face part skipped: ${images[failed]!.request.path}: ${r.status === 'failed' ? r.reason : ''})\n`);
    return false;
  }
  const faces = results as EmbeddedFace[];
  out(`Real faces: LFW photos (${DEMO_IMAGES_DIR}) aligned with their MTCNN landmarks, faceres, head ${path.basename(headFile)};`);
  out(`"poor" = the same photo degraded with ${POOR}. Confidence = harmonic-mean sigma², lower = more confident.`);
  out('   pair                                            same?   raw cosine   centred cosine        MLS   confidence a / b');
  for (const [a, b, same] of PAIRS) {
    const c = compareFaces(head, faces[a]!, faces[b]!);
    const name = `${images[a]!.label} vs ${images[b]!.label}`;
    out(
      `   ${name.padEnd(47)} ${(same ? 'yes' : 'no').padEnd(5)} ${c.rawCosine.toFixed(3).padStart(12)} ${c.cosine.toFixed(3).padStart(16)} ` +
        `${c.mls.toFixed(0).padStart(10)}   ${c.confidenceA.toExponential(2)} / ${c.confidenceB.toExponential(2)}`,
    );
  }
  out('   Two poor photos of different people look alike to cosine: the blurry-image dilemma. How far MLS');
  out('   and the confidence help on all of LFW is measured in docs/RESULTS.md.\n');
  return true;
}
