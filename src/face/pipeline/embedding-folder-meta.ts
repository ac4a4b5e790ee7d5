/**
 * What an embedding folder (`pfe embed` output) says about how it was made: the backbone
 * and the pipeline version. Embeddings of different backbones live in different spaces,
 * and folders from before a pipeline change hold stale numbers, so readers check both.
 */
import { PfeError } from '../../core/errors.js';
import { assertSameBackbone } from '../backbone/names.js';
import { PIPELINE_VERSION } from './embed-cache.js';

/** The fields of index.json this module reads (any other fields may be present). */
export interface EmbeddingFolderMeta {
  /** Backbone name; absent in folders written before backbones were recorded (all faceres). */
  readonly backbone?: unknown;
  /** Pipeline version (PIPELINE_VERSION); absent in folders written before it was recorded (version 1). */
  readonly pipelineVersion?: unknown;
}

/** The backbone a folder was made with ('faceres' for folders that predate the field). */
export function folderBackbone(meta: EmbeddingFolderMeta): string {
  return typeof meta.backbone === 'string' ? meta.backbone : 'faceres';
}

/**
 * Checks that an embedding folder was made by the current pipeline with `backbone`.
 * @throws PfeError BACKBONE_MISMATCH naming the folder; UNSUPPORTED_FORMAT for a folder of an older pipeline
 */
export function assertFolderUsable(meta: EmbeddingFolderMeta, dir: string, backbone: string): void {
  assertSameBackbone({ backbone, what: 'this run' }, { backbone: folderBackbone(meta), what: `embedding folder ${dir}` });
  const version = typeof meta.pipelineVersion === 'number' ? meta.pipelineVersion : 1;
  if (version !== PIPELINE_VERSION) {
    throw new PfeError(
      'UNSUPPORTED_FORMAT',
      `embedding folder ${dir} was made by pipeline version ${version}, this one is ${PIPELINE_VERSION} (its embeddings differ): embed the images again with pfe embed`,
      { path: dir, version, expected: PIPELINE_VERSION },
    );
  }
}
