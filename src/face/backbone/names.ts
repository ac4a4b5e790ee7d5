/**
 * Names of the face-recognition backbones this package ships, and the checks that keep
 * data of one backbone away from another. Pure (no tfjs, no I/O), so file formats and the
 * browser can import it; `registry.ts` loads the networks.
 */
import { PfeError } from '../../core/errors.js';

/** Names of the shipped backbones. */
export const BACKBONE_NAMES = ['dlib', 'faceres', 'mobilefacenet'] as const;

/** A shipped backbone's name. */
export type BackboneName = (typeof BACKBONE_NAMES)[number];

/**
 * The backbone used when none is named: dlib ResNet-29, the most accurate shipped network
 * with unrestricted weights (docs/RESULTS.md, "Recognition chain").
 */
export const DEFAULT_BACKBONE: BackboneName = 'dlib';

/** What a user should know before choosing a backbone (shown by `pfe --help` and the README). */
export interface BackboneDescription {
  readonly name: BackboneName;
  /** D, the embedding length. */
  readonly dim: number;
  /** One line: the network, its crop, where the weights come from and their terms. */
  readonly summary: string;
}

/** One line per shipped backbone, in BACKBONE_NAMES order. */
export const BACKBONE_DESCRIPTIONS: Readonly<Record<BackboneName, BackboneDescription>> = {
  dlib: {
    name: 'dlib',
    dim: 128,
    summary: "dlib ResNet-29, dlib's 150-px chip; weights in @vladmandic/face-api (MIT package, public-domain weights)",
  },
  faceres: {
    name: 'faceres',
    dim: 1024,
    summary: 'HSE FaceRes (MobileNet v1), 224-px ArcFace crop; weights in @vladmandic/human (MIT package, Apache-2.0 weights)',
  },
  mobilefacenet: {
    name: 'mobilefacenet',
    dim: 192,
    summary:
      'MobileFaceNet (sirius-ai), 112-px ArcFace crop; OPT-IN, RESEARCH USE ONLY: weights trained on MS1M (non-commercial terms), install with npm run models:mobilefacenet',
  },
};

/** Whether `name` is a shipped backbone's name. */
export function isBackboneName(name: string): name is BackboneName {
  return (BACKBONE_NAMES as readonly string[]).includes(name);
}

/** Checks a backbone name from a user. @throws PfeError INVALID_ARGUMENT naming the choices */
export function parseBackboneName(name: string): BackboneName {
  if (isBackboneName(name)) return name;
  throw new PfeError('INVALID_ARGUMENT', `unknown backbone '${name}' (choose one of ${BACKBONE_NAMES.join(', ')})`, { backbone: name });
}

/**
 * Checks that data made with one backbone is used with the same one: embeddings, heads and
 * calibrations of different backbones live in different spaces.
 * @throws PfeError BACKBONE_MISMATCH naming both and what each belongs to
 */
export function assertSameBackbone(expected: { readonly backbone: string; readonly what: string }, actual: { readonly backbone: string; readonly what: string }): void {
  if (expected.backbone !== actual.backbone) {
    throw new PfeError(
      'BACKBONE_MISMATCH',
      `${actual.what} belongs to backbone '${actual.backbone}' but ${expected.what} to '${expected.backbone}': embeddings of different backbones cannot be mixed`,
      { expected: expected.backbone, actual: actual.backbone },
    );
  }
}

/**
 * The backbone a run uses: the one the user named, else the one its uncertainty head was
 * trained on, else DEFAULT_BACKBONE. A head of another backbone than the one named is an error.
 * @param requested the user's choice (e.g. `--backbone`), unchecked
 * @param head the head the run will apply, with a phrase naming it for messages
 * @throws PfeError INVALID_ARGUMENT (unknown name), BACKBONE_MISMATCH
 */
export function resolveBackbone(requested: string | undefined, head?: { readonly backbone: string; readonly what: string }): BackboneName {
  if (requested !== undefined) {
    const name = parseBackboneName(requested);
    if (head !== undefined) assertSameBackbone({ backbone: name, what: `--backbone ${name}` }, head);
    return name;
  }
  if (head === undefined) return DEFAULT_BACKBONE;
  if (!isBackboneName(head.backbone)) {
    throw new PfeError('BACKBONE_MISMATCH', `${head.what} was trained on backbone '${head.backbone}', which this package does not ship (${BACKBONE_NAMES.join(', ')})`, { backbone: head.backbone });
  }
  return head.backbone;
}

/** The `--backbone` line of a command's help. */
export function backboneOptionHelp(indent: string, width: number): string {
  const lines = [`--backbone <name>`.padEnd(width) + `face-recognition network (default ${DEFAULT_BACKBONE}):`];
  for (const name of BACKBONE_NAMES) lines.push(' '.repeat(width + 2) + `${name}: ${BACKBONE_DESCRIPTIONS[name].summary}`);
  return lines.map((l) => indent + l).join('\n');
}
