/**
 * Training checkpoints, a folder of three files:
 *   head.pfehead   the current weights (model file format, loadable as a head)
 *   momentum.bin   float32 little-endian momentum accumulators, TRAINABLE_NAMES order
 *   state.json     { step, config, curve } (curve: LossCurveRow[] so far)
 * state.json is written last, so a folder with it is complete.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { headWeightShapes } from '../head/head-model.js';
import { loadHeadFile, saveHeadFile } from '../head/model-file.js';
import { TRAINABLE_NAMES, type TrainableName } from './head-trainer.js';
import type { LossCurveRow } from './loss-curve.js';
import type { TrainConfig, TrainState } from './train-run.js';

async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await writeFile(`${file}.tmp`, data);
  await rename(`${file}.tmp`, file);
}

/** Writes a checkpoint folder (created). */
export async function saveCheckpoint(dir: string, state: TrainState, config: TrainConfig): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveHeadFile(path.join(dir, 'head.pfehead'), state.head);
  const total = TRAINABLE_NAMES.reduce((s, n) => s + state.momentum[n].length, 0);
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  let o = 0;
  for (const n of TRAINABLE_NAMES) for (const v of state.momentum[n]) (view.setFloat32(o, v, true), (o += 4));
  await writeAtomic(path.join(dir, 'momentum.bin'), bytes);
  await writeAtomic(path.join(dir, 'state.json'), JSON.stringify({ step: state.step, config, curve: state.curve }) + '\n');
}

/**
 * Reads a checkpoint folder.
 * @throws PfeError IO_ERROR (missing files), INVALID_FORMAT (sizes disagree)
 */
export async function loadCheckpoint(dir: string): Promise<{ state: TrainState; config: TrainConfig }> {
  let parsed: { step: number; config: TrainConfig; curve: LossCurveRow[] };
  let momentumBytes: Uint8Array;
  try {
    parsed = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as typeof parsed;
    momentumBytes = await readFile(path.join(dir, 'momentum.bin'));
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read checkpoint ${dir}: ${e instanceof Error ? e.message : String(e)}`, { dir });
  }
  const head = await loadHeadFile(path.join(dir, 'head.pfehead'));
  const shapes = headWeightShapes(head.architecture);
  const view = new DataView(momentumBytes.buffer, momentumBytes.byteOffset, momentumBytes.byteLength);
  const momentum = {} as Record<TrainableName, Float32Array>;
  let o = 0;
  for (const n of TRAINABLE_NAMES) {
    const len = shapes[n].reduce((p, v) => p * v, 1);
    if (o + 4 * len > momentumBytes.length) throw new PfeError('INVALID_FORMAT', `checkpoint ${dir}: momentum.bin is too short for ${n}`);
    const arr = new Float32Array(len);
    for (let k = 0; k < len; k++, o += 4) arr[k] = view.getFloat32(o, true);
    momentum[n] = arr;
  }
  if (o !== momentumBytes.length) throw new PfeError('INVALID_FORMAT', `checkpoint ${dir}: momentum.bin has ${momentumBytes.length - o} extra bytes`);
  return { state: { step: parsed.step, head, momentum, curve: parsed.curve }, config: parsed.config };
}
