import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fixturePath } from '../../testing/paths.js';
import { cacheKey, DETECTOR_VERSION, PIPELINE_VERSION } from './embed-cache.js';

const image = fixturePath('lfw', 'images', 'AJ_Cook', 'AJ_Cook_0001.jpg');

describe('cacheKey', () => {
  it('keeps the key format of existing caches for the default models and pixel limit', async () => {
    const s = await stat(image);
    // The material as it has been hashed since the cache was introduced (field order matters).
    const landmarks = [{ x: 1, y: 2 }, { x: 3, y: 2 }, { x: 2, y: 3 }, { x: 1, y: 4 }, { x: 3, y: 4 }] as const;
    const material = JSON.stringify({ v: PIPELINE_VERSION, backbone: 'faceres', path: path.resolve(image), size: s.size, mtimeMs: s.mtimeMs, landmarks, degrade: [], seed: 0 });
    assert.equal(await cacheKey({ path: image, landmarks }, { backbone: 'faceres' }), createHash('sha256').update(material).digest('hex'));
    // Without landmarks the detector runs, so its version is part of the key.
    const detected = JSON.stringify({ v: PIPELINE_VERSION, backbone: 'faceres', path: path.resolve(image), size: s.size, mtimeMs: s.mtimeMs, landmarks: null, detector: DETECTOR_VERSION, degrade: [], seed: 0 });
    assert.equal(await cacheKey({ path: image }, { backbone: 'faceres' }), createHash('sha256').update(detected).digest('hex'));
  });

  it('changes with everything the result depends on', async () => {
    const base = await cacheKey({ path: image }, { backbone: 'faceres' });
    const variants = await Promise.all([
      cacheKey({ path: image, degrade: [{ kind: 'blur', sigma: 1 }] }, { backbone: 'faceres' }),
      cacheKey({ path: image, seed: 1 }, { backbone: 'faceres' }),
      cacheKey({ path: image }, { backbone: 'other' }),
      cacheKey({ path: image }, { backbone: 'faceres', modelsDir: '/opt/other-models' }),
      cacheKey({ path: image }, { backbone: 'faceres', maxPixels: 1000 }),
    ]);
    assert.equal(new Set([base, ...variants]).size, variants.length + 1);
    // a relative and an absolute spelling of one model folder are one folder
    const relative = await cacheKey({ path: image }, { backbone: 'faceres', modelsDir: 'models' });
    assert.equal(relative, await cacheKey({ path: image }, { backbone: 'faceres', modelsDir: path.resolve('models') }));
  });
});
