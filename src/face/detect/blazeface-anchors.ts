/**
 * SSD anchors of the BlazeFace "back camera" (full-range) detector with a 256×256
 * input, as in MediaPipe's face_detection_back config and @vladmandic/human's
 * generateAnchors: two feature maps with strides 16 and 32 (16×16 and 8×8 cells),
 * 2 and 6 anchors per cell, all anchors of a cell at the cell centre, fixed size
 * (the regressed box size is absolute). 16·16·2 + 8·8·6 = 512 + 384 = 896 anchors.
 */
import { PfeError } from '../../core/errors.js';

/** One anchor layer: its stride in input pixels and how many anchors share each cell. */
export interface AnchorLayer {
  readonly stride: number;
  readonly anchorsPerCell: number;
}

/** The BlazeFace-back layers (strides inputSize/16 and inputSize/8 for 256 → 16 and 32). */
export const BLAZEFACE_BACK_LAYERS: readonly AnchorLayer[] = [
  { stride: 16, anchorsPerCell: 2 },
  { stride: 32, anchorsPerCell: 6 },
];

/**
 * Anchor centres in input pixels, A×2 row-major (x, y), in the order the model's
 * outputs use: layer by layer, then row, then column, then anchor within the cell.
 */
export function generateAnchors(inputSize: number, layers: readonly AnchorLayer[] = BLAZEFACE_BACK_LAYERS): Float32Array {
  if (!Number.isInteger(inputSize) || inputSize < 1) throw new PfeError('INVALID_ARGUMENT', `inputSize must be a positive integer, got ${inputSize}`, { inputSize });
  const centres: number[] = [];
  for (const { stride, anchorsPerCell } of layers) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let a = 0; a < anchorsPerCell; a++) centres.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(centres);
}
