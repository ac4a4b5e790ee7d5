/**
 * Node-side: applies an uncertainty head to the faces `pfe embed` produced and writes
 * sigma_sq.npy (N×D) and mu_centred.npy (N×D, mu minus the head's training mean,
 * re-normalised: the mu the head was trained with, which MLS with sigma_sq.npy should use).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddedFace } from '../face/pipeline/face-embedder.js';
import { initBackend, type BackendName } from '../face/runtime/tfjs-runtime.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { writeNpyFile } from '../io/npy-file.js';
import { PfeError } from '../core/errors.js';
import { applyHead } from './head-inference.js';
import type { HeadIdentity } from './head-binding.js';
import type { UncertaintyHead } from './head-model.js';


/**
 * Runs the head on the embedded faces (in order) and writes the two .npy files (folder created).
 * @param headFile where the head came from, for messages and index.json
 * @param identity the head file's SHA-256, recorded so an import can check it is the gallery's head
 * @returns what to record in index.json about the head
 */
export async function writeHeadOutputs(
  outDir: string,
  faces: readonly EmbeddedFace[],
  head: UncertaintyHead,
  headFile: string,
  identity: HeadIdentity,
  backend: BackendName,
): Promise<Record<string, unknown>> {
  const a = head.architecture;
  const d = a.muDim;
  const mu = new Float32Array(faces.length * d);
  const feats = new Float32Array(faces.length * a.inputDim);
  faces.forEach((f, i) => {
    const input = a.inputKind === 'mu' ? f.mu : a.inputKind === 'pooled_global' ? f.pooledGlobal : f.pooledGrid2x2;
    if (f.mu.length !== d || input.length !== a.inputDim) {
      throw new PfeError('DIMENSION_MISMATCH', `head ${headFile} expects mu of ${d} and ${a.inputKind} of ${a.inputDim} values; the backbone gave ${f.mu.length} and ${input.length}`);
    }
    mu.set(f.mu, i * d);
    feats.set(input, i * a.inputDim);
  });
  await initBackend(backend);
  await mkdir(outDir, { recursive: true });
  const e = applyHead(head, mu, feats);
  await writeNpyFile(path.join(outDir, SIGMA_SQ_FILE), [faces.length, d], e.sigmaSq);
  await writeNpyFile(path.join(outDir, MU_CENTRED_FILE), [faces.length, d], e.mu);
  return { file: headFile, sha256: identity.sha256, inputKind: a.inputKind, sigmaMode: a.sigmaMode, sigmaSq: SIGMA_SQ_FILE, muCentred: MU_CENTRED_FILE };
}
