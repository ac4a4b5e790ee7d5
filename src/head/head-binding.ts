/**
 * The uncertainty head the service runs with, and how backbone outputs become the
 * service's embeddings. With a head: mu is centred with the head's training mean (the
 * space MLS was trained in) and σ² is predicted. Without one (fallback): mu is the raw
 * backbone embedding and there is no σ² — MLS is not computed, decisions use the cosine
 * calibration, and responses say `uncertaintyAvailable: false`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { applyHead } from './head-inference.js';
import type { HeadInputKind, UncertaintyHead } from './head-model.js';
import { loadHeadFile } from './model-file.js';

/** Which uncertainty head produced the embeddings (recorded in calibration files). */
export interface HeadIdentity {
  /** File name of the .pfehead file. */
  readonly file: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
}

/** A loaded head with the identity of its file. */
export interface HeadBinding {
  readonly head: UncertaintyHead;
  readonly identity: HeadIdentity;
}

/** Loads a .pfehead file and hashes it. @throws PfeError IO_ERROR, INVALID_FORMAT, UNSUPPORTED_FORMAT */
export async function loadHeadBinding(file: string): Promise<HeadBinding> {
  const head = await loadHeadFile(file);
  const bytes = await readFile(file);
  return { head, identity: { file: path.basename(file), sha256: createHash('sha256').update(bytes).digest('hex') } };
}

/** Backbone outputs of N faces (N×D mu, and the head input rows of each kind available). */
export interface BackboneRows {
  readonly count: number;
  /** N×D L2-normalised backbone embeddings. */
  readonly mu: Float32Array;
  readonly features: Partial<Record<Exclude<HeadInputKind, 'mu'>, Float32Array>>;
}

/** The service's embeddings of N faces: N×D mu, and N×D σ² when a head is bound. */
export interface ServiceEmbeddings {
  readonly count: number;
  readonly dim: number;
  readonly mu: Float32Array;
  readonly sigmaSq: Float32Array | null;
}

/**
 * Applies the bound head (or the no-head fallback) to backbone rows. The head needs a
 * tfjs backend initialised by the caller.
 * @throws PfeError DIMENSION_MISMATCH (rows do not fit the head), INVALID_ARGUMENT (missing feature kind)
 */
export function serviceEmbeddings(binding: HeadBinding | undefined, rows: BackboneRows): ServiceEmbeddings {
  const dim = rows.count === 0 ? 0 : rows.mu.length / rows.count;
  if (binding === undefined) return { count: rows.count, dim, mu: rows.mu, sigmaSq: null };
  const kind = binding.head.architecture.inputKind;
  const features = kind === 'mu' ? rows.mu : rows.features[kind];
  if (features === undefined) throw new PfeError('INVALID_ARGUMENT', `the head needs '${kind}' features, which were not provided`);
  const out = applyHead(binding.head, rows.mu, features);
  return { count: out.count, dim: out.dim, mu: out.mu, sigmaSq: out.sigmaSq };
}
