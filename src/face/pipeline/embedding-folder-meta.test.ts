import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../../core/errors.js';
import { PIPELINE_VERSION } from './embed-cache.js';
import { assertFolderUsable, folderBackbone, FOREIGN_BACKBONE } from './embedding-folder-meta.js';

describe('embedding folder metadata', () => {
  it('reads the backbone, unknown for folders made elsewhere', () => {
    assert.equal(folderBackbone({ backbone: 'dlib' }), 'dlib');
    assert.equal(folderBackbone({}), FOREIGN_BACKBONE);
  });

  it('takes folders made elsewhere (no backbone recorded) and of other programs as they are', () => {
    assertFolderUsable({}, 'numpy-made', 'dlib');
    assertFolderUsable({ backbone: 'synthetic' }, 'synthetic', 'synthetic');
  });

  it('accepts a folder of this pipeline and backbone', () => {
    assertFolderUsable({ backbone: 'dlib', pipelineVersion: PIPELINE_VERSION }, 'F', 'dlib');
  });

  it('refuses another backbone and an older pipeline, naming the folder', () => {
    assert.throws(() => assertFolderUsable({ backbone: 'faceres', pipelineVersion: PIPELINE_VERSION }, 'F/x', 'dlib'), (e) => isPfeError(e, 'BACKBONE_MISMATCH') && /F\/x/.test(e.message));
    assert.throws(() => assertFolderUsable({ backbone: 'faceres' }, 'F/y', 'faceres'), (e) => isPfeError(e, 'UNSUPPORTED_FORMAT') && /F\/y/.test(e.message) && /pfe embed/.test(e.message));
  });
});
