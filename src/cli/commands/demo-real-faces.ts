/**
 * The real-face part of `pfe demo`: a few LFW photos (committed as test fixtures) through
 * the whole chain — detection, alignment, the backbone, the shipped uncertainty head — with
 * clean and degraded copies, printing cosine, MLS and each image's uncertainty.
 */
import { resolveBackbone } from '../../face/backbone/names.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDegradeSpec } from '../../face/degrade/spec.js';
import { loadLfwLandmarks } from '../../face/landmarks-file/lfw-landmarks.js';
import type { FiveLandmarks } from '../../face/types.js';
import { FaceEmbedder, type EmbeddedFace, type EmbedRequest } from '../../face/pipeline/face-embedder.js';
import { compareFaces, type Comparison } from '../../head/compare-faces.js';
import type { Decision } from '../../verify/decision.js';
import { loadHeadBinding } from '../../head/head-binding.js';
import { headVerdicts } from '../head-verdicts.js';
import { decideBoth } from '../../face-pfe/verdicts.js';

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

/** One shown pair's scores and, with a calibration, both verdicts. */
export interface DemoPairResult {
  readonly label: string;
  readonly same: boolean;
  readonly poor: boolean;
  readonly comparison: Comparison;
  readonly verdicts: { readonly mls: Decision; readonly cosine: Decision } | undefined;
}

/** Splits text into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function verdictWord(d: Decision | undefined, same: boolean): string {
  if (d === undefined) return '-';
  return `${d.match ? 'same' : 'diff'}${d.match === same ? '' : ' ✗'}`;
}

/**
 * What this example shows and what it does not, worked out from its own numbers (so the text
 * stays true if the head or the photos change): where MLS ranks the poor pairs, which verdicts
 * are wrong, and whether σ² flags the poor photos.
 */
export function demoFindings(results: readonly DemoPairResult[], gate: number | undefined): string[] {
  const out: string[] = [];
  const poorGenuine = results.find((r) => r.poor && r.same);
  const poorImpostor = results.find((r) => r.poor && !r.same);
  if (poorGenuine !== undefined && poorImpostor !== undefined) {
    const g = poorGenuine.comparison;
    const i = poorImpostor.comparison;
    if (i.mls > g.mls) {
      out.push(
        `Where MLS does not help here: it scores the poor impostor pair (${i.mls.toFixed(0)}) above the poor genuine pair (${g.mls.toFixed(0)}), ` +
          'as cosine does. A blurred photo has lost the detail that tells people apart, and no score can put it back.',
      );
    } else {
      out.push(`MLS scores the poor genuine pair (${g.mls.toFixed(0)}) above the poor impostor pair (${i.mls.toFixed(0)}).`);
    }
    if (poorImpostor.verdicts !== undefined) {
      const c = poorImpostor.verdicts.cosine.match;
      const m = poorImpostor.verdicts.mls.match;
      out.push(
        `At the calibrated threshold (FAR 1e-3) cosine ${c ? 'accepts' : 'refuses'} the poor impostor pair and MLS ${m ? 'accepts' : 'refuses'} it` +
          (c && !m ? ': here MLS helps, because the photos\' large σ² lowers its score against a threshold set on clean photos.' : '.'),
      );
    }
    if (poorGenuine.verdicts !== undefined) {
      const c = poorGenuine.verdicts.cosine.match;
      const m = poorGenuine.verdicts.mls.match;
      out.push(`For the poor genuine pair cosine says ${c ? 'same' : 'different'} and MLS ${m ? 'same' : 'different'}${!c && !m ? ': neither recovers it.' : '.'}`);
    }
  }
  const poorSigma = results.filter((r) => r.poor).flatMap((r) => [r.comparison.uncertaintyA, r.comparison.uncertaintyB]);
  const cleanSigma = results.filter((r) => !r.poor).flatMap((r) => [r.comparison.uncertaintyA, r.comparison.uncertaintyB]);
  const maxPoor = Math.max(...poorSigma);
  const maxClean = Math.max(...cleanSigma);
  if (poorSigma.length > 0 && cleanSigma.length > 0) {
    const flagged = gate !== undefined && results.some((r) => r.poor && Math.max(r.comparison.uncertaintyB, r.comparison.uncertaintyA) > gate);
    out.push(
      `Where σ² helps most: the poor photos' σ² reaches ${maxPoor.toExponential(2)}, ${(maxPoor / maxClean).toFixed(1)}× the clean ones' highest` +
        (gate === undefined ? '.' : flagged ? `, above the quality gate (${gate.toExponential(2)}): the service would refuse them (LOW_QUALITY) rather than decide.` : `, yet below the quality gate (${gate.toExponential(2)}).`),
    );
  }
  return out;
}

/**
 * Prints the real-face section. Returns false (after saying why) when the fixture photos
 * or the shipped head are not there, so the rest of the demo still runs.
 */
export async function runRealFaceDemo(headFile: string | undefined, out: (line: string) => void): Promise<boolean> {
  if (headFile === undefined) {
    out('(no uncertainty head in models/: skipping the real-face part)\n');
    return false;
  }
  const binding = await loadHeadBinding(headFile);
  const head = binding.head;
  const verdicts = await headVerdicts(headFile, binding.identity.sha256);
  const landmarks = await loadLfwLandmarks(DEMO_LANDMARKS);
  const images = IMAGES.map((spec) => image(spec, landmarks));
  const embedder = await FaceEmbedder.load({ backbone: resolveBackbone(undefined, { backbone: head.backbone, what: `head ${headFile}` }) });
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
  const pairs: DemoPairResult[] = PAIRS.map(([a, b, same]) => {
    const c = compareFaces(head, faces[a]!, faces[b]!);
    return {
      label: `${images[a]!.label} vs ${images[b]!.label}`,
      same,
      poor: IMAGES[a]!.poor || IMAGES[b]!.poor,
      comparison: c,
      verdicts: verdicts === undefined ? undefined : decideBoth(verdicts, c),
    };
  });
  const d = head.architecture.muDim;
  out(`Real faces: LFW photos (${DEMO_IMAGES_DIR}) aligned with their MTCNN landmarks, backbone ${head.backbone}, head ${path.basename(headFile)};`);
  out(`"poor" = the same photo degraded with ${POOR}.`);
  out(`σ² = the head's variance of each of the ${d} embedding dimensions: how unsure it is where the face lies; shown as its harmonic mean (lower = surer).`);
  // Typical σ² of the clean photos, to show where MLS values near 2,000 come from.
  const cleanSigma = pairs.filter((p) => !p.poor).flatMap((p) => [p.comparison.uncertaintyA, p.comparison.uncertaintyB]);
  const typical = cleanSigma.reduce((x, y) => x + y, 0) / cleanSigma.length;
  const perDimension = -0.5 * Math.log(2 * Math.PI * 2 * typical);
  out(`MLS = log-likelihood (nats) that both photos come from one face: -½Σ[Δμ²/(σ²a+σ²b) + ln 2π(σ²a+σ²b)]. With σ² ≈ ${typical.toExponential(1)}`);
  out(
    `each dimension adds up to -½ln(2π·2σ²) ≈ +${perDimension.toFixed(1)}, so ${d} dimensions give up to ≈ ${Math.round(d * perDimension)} minus the distance term:` +
      ' large positive scores are normal; only the place against the calibrated threshold means anything.',
  );
  out(
    verdicts === undefined
      ? '(no calibration made with this head beside it: no verdicts)'
      : `Verdicts at FAR 1e-3 (the service's default; threshold cosine ${verdicts.cosine.threshold.toFixed(3)}, MLS ${verdicts.mls.threshold.toFixed(0)}); ✗ = wrong.`,
  );
  out('   pair                                            same?  centred cosine  verdict      MLS  verdict   σ² a / b');
  for (const p of pairs) {
    const c = p.comparison;
    out(
      `   ${p.label.padEnd(47)} ${(p.same ? 'yes' : 'no').padEnd(5)} ${c.cosine.toFixed(3).padStart(15)}  ${verdictWord(p.verdicts?.cosine, p.same).padEnd(7)} ` +
        `${c.mls.toFixed(0).padStart(6)}  ${verdictWord(p.verdicts?.mls, p.same).padEnd(7)}   ${c.uncertaintyA.toExponential(2)} / ${c.uncertaintyB.toExponential(2)}`,
    );
  }
  for (const finding of demoFindings(pairs, verdicts?.uncertaintyGate)) for (const line of wrap(finding, 100)) out(`   ${line}`);
  out('   How far MLS and σ² help over all of LFW (blurred pairs, verdicts, refusals) is measured in docs/RESULTS.md.\n');
  return true;
}
