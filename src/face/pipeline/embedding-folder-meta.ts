/**
 * What an embedding folder (`pfe embed` output) says about how it was made: the backbone
 * and the pipeline version. Embeddings of different backbones live in different spaces,
 * and folders from before a pipeline change hold stale numbers, so readers check both.
 */
import { PfeError } from '../../core/errors.js';
import { assertSameBackbone, isBackboneName } from '../backbone/names.js';
import { PIPELINE_VERSION } from './embed-cache.js';

/** The fields of index.json this module reads (any other fields may be present). */
export interface EmbeddingFolderMeta {
  /** Backbone name; absent in folders made by other programs (FOREIGN_BACKBONE). pfe embed has always written it. */
  readonly backbone?: unknown;
  /** Pipeline version (PIPELINE_VERSION); absent in folders written before it was recorded (version 1). */
  readonly pipelineVersion?: unknown;
}

/** Backbone recorded for folders made elsewhere (numpy files written by another program): unknown, so not checked. */
export const FOREIGN_BACKBONE = 'unknown';

/** The backbone a folder was made with, or FOREIGN_BACKBONE when index.json does not say. */
export function folderBackbone(meta: EmbeddingFolderMeta): string {
  return typeof meta.backbone === 'string' ? meta.backbone : FOREIGN_BACKBONE;
}

/**
 * Checks that an embedding folder can join a run of `backbone`: a folder that records its
 * backbone must name that one and, when `pfe embed` wrote it (a shipped backbone), come from
 * the current pipeline. Folders made elsewhere (no backbone recorded) are taken as they are.
 * @throws PfeError BACKBONE_MISMATCH naming the folder; UNSUPPORTED_FORMAT for a folder of an older pipeline
 */
export function assertFolderUsable(meta: EmbeddingFolderMeta, dir: string, backbone: string): void {
  const recorded = folderBackbone(meta);
  if (recorded === FOREIGN_BACKBONE) return;
  assertSameBackbone({ backbone, what: 'this run' }, { backbone: recorded, what: `embedding folder ${dir}` });
  if (!isBackboneName(recorded)) return;
  // Folders of pfe embed before the version was recorded are version 1 (faceres with RGB input).
  const version = typeof meta.pipelineVersion === 'number' ? meta.pipelineVersion : 1;
  if (version !== PIPELINE_VERSION) {
    throw new PfeError(
      'UNSUPPORTED_FORMAT',
      `embedding folder ${dir} was made by pipeline version ${version}, this one is ${PIPELINE_VERSION} (its embeddings differ): embed the images again with pfe embed`,
      { path: dir, version, expected: PIPELINE_VERSION },
    );
  }
}
