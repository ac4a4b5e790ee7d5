/**
 * Where a fixed-stride detector looks in an image of any size: a pyramid of 2×
 * average-pooled levels (anti-aliased, so a 20-megapixel photo is not decimated into
 * noise), each cut into overlapping tiles of at most `tileSize` pixels. The coarsest
 * pass sees the whole image in one tile (large faces); finer levels find smaller faces,
 * each keeping only faces up to `maxFaceAtFineLevel` px (larger ones belong to a
 * coarser level) whose centre lies in the tile's core, so each face is seen whole once
 * per level. Pure geometry, no tensors.
 */
import { PfeError } from '../../core/errors.js';

/** One tile of one pass, in the pass's (scaled) pixel frame. */
export interface PlannedTile {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Keep a detection only when its centre lies in [coreX0, coreX1) × [coreY0, coreY1) (pass frame). */
  readonly coreX0: number;
  readonly coreY0: number;
  readonly coreX1: number;
  readonly coreY1: number;
}

/** One detector pass: a pyramid level, optionally resized to fit, and its tiles. */
export interface PlannedPass {
  /** Pyramid level: the image average-pooled 2×2 `level` times (level 0 = the image itself). */
  readonly level: number;
  /** The pass image size: the level's size, or smaller when it is resized to fit one tile. */
  readonly width: number;
  readonly height: number;
  /** Pass pixels per original pixel along x and y (≤ 1; 2^−level for a pooled level). */
  readonly scaleX: number;
  readonly scaleY: number;
  /** Largest face side (pass pixels) this pass reports; Infinity for the whole-image pass. */
  readonly maxFace: number;
  readonly tiles: readonly PlannedTile[];
}

/** Options of `planPasses`. */
export interface PyramidOptions {
  /** Side of the whole-image pass in pixels (the coarsest level is resized to fit it). */
  readonly tileSize: number;
  /** Largest tile side of the finer passes (larger tiles waste less on overlap). */
  readonly fineTileSize: number;
  /** Smallest face side (original pixels) to look for. */
  readonly minFaceSize: number;
  /** Smallest face side (pass pixels) the network finds reliably. */
  readonly netMinFace: number;
  /** Largest face side (pass pixels) a finer-than-coarsest pass reports; tiles overlap by at least this. */
  readonly maxFaceAtFineLevel: number;
}

/** Size of pyramid level `level` of a width×height image (each 2×2 'valid' pooling floors odd sizes). */
export function levelSize(width: number, height: number, level: number): { width: number; height: number } {
  let w = width;
  let h = height;
  for (let i = 0; i < level; i++) {
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
  }
  return { width: w, height: h };
}

function tilesAlong(extent: number, tile: number, overlap: number): { start: number; coreStart: number; coreEnd: number }[] {
  if (extent <= tile) return [{ start: 0, coreStart: 0, coreEnd: extent }];
  const n = Math.ceil((extent - overlap) / (tile - overlap));
  const step = (extent - tile) / (n - 1);
  const out: { start: number; coreStart: number; coreEnd: number }[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.round(i * step);
    // Neighbouring cores meet half-way through the overlap.
    const coreStart = i === 0 ? 0 : Math.round((start + Math.round((i - 1) * step) + tile) / 2);
    const nextStart = i === n - 1 ? extent : Math.round((i + 1) * step);
    const coreEnd = i === n - 1 ? extent : Math.round((nextStart + start + tile) / 2);
    out.push({ start, coreStart, coreEnd });
  }
  return out;
}

/**
 * The passes for a width×height image, coarsest first. The first pass is the whole
 * image at the coarsest level that fits `tileSize` (resized down when it does not fit
 * exactly); then each finer level down to the one where `minFaceSize` becomes at least
 * `netMinFace`, or level 0.
 */
export function planPasses(width: number, height: number, options: PyramidOptions): PlannedPass[] {
  const { tileSize, fineTileSize, minFaceSize, netMinFace, maxFaceAtFineLevel } = options;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new PfeError('INVALID_ARGUMENT', `image size must be positive integers, got ${width}×${height}`);
  if (!(maxFaceAtFineLevel < fineTileSize)) throw new PfeError('INVALID_ARGUMENT', `maxFaceAtFineLevel (${maxFaceAtFineLevel}) must be below fineTileSize (${fineTileSize})`);
  if (!(minFaceSize > 0 && netMinFace > 0)) throw new PfeError('INVALID_ARGUMENT', 'minFaceSize and netMinFace must be positive');
  // Coarsest level: the first whose longer side is at most 2·tileSize (then resized by ≥ 0.5, no aliasing).
  let top = 0;
  while (Math.max(width, height) / 2 ** top > 2 * tileSize) top++;
  const topSize = levelSize(width, height, top);
  const fit = Math.min(1, tileSize / Math.max(topSize.width, topSize.height));
  const passW = Math.max(1, Math.round(topSize.width * fit));
  const passH = Math.max(1, Math.round(topSize.height * fit));
  const passes: PlannedPass[] = [
    {
      level: top,
      width: passW,
      height: passH,
      scaleX: passW / topSize.width / 2 ** top,
      scaleY: passH / topSize.height / 2 ** top,
      maxFace: Infinity,
      tiles: [{ x: 0, y: 0, width: passW, height: passH, coreX0: 0, coreY0: 0, coreX1: passW, coreY1: passH }],
    },
  ];
  // Finer levels while the smallest wanted face is still below what the net sees at the previous pass.
  for (let level = fit < 1 ? top : top - 1; level >= 0; level--) {
    const prevScale = passes[passes.length - 1]!.scaleX;
    if (minFaceSize * prevScale >= netMinFace) break;
    const size = levelSize(width, height, level);
    const tiles: PlannedTile[] = [];
    for (const ty of tilesAlong(size.height, fineTileSize, maxFaceAtFineLevel)) {
      for (const tx of tilesAlong(size.width, fineTileSize, maxFaceAtFineLevel)) {
        tiles.push({
          x: tx.start,
          y: ty.start,
          width: Math.min(fineTileSize, size.width),
          height: Math.min(fineTileSize, size.height),
          coreX0: tx.coreStart,
          coreY0: ty.coreStart,
          coreX1: tx.coreEnd,
          coreY1: ty.coreEnd,
        });
      }
    }
    passes.push({ level, width: size.width, height: size.height, scaleX: 2 ** -level, scaleY: 2 ** -level, maxFace: maxFaceAtFineLevel, tiles });
  }
  return passes;
}
