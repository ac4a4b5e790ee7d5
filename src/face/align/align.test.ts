import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../image/decode.js';
import { loadLfwLandmarks } from '../landmarks-file/lfw-landmarks.js';
import type { FiveLandmarks, Point, RgbImage } from '../types.js';
import { applyAffine, invertAffine } from './affine.js';
import { alignFace, ARCFACE_TEMPLATE_112, arcfaceTemplate } from './align.js';

/** Bilinear sample of channel c at (x, y), pixel centres at integers; (x, y) must be inside. */
function sample(img: RgbImage, x: number, y: number, c: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const v = (xx: number, yy: number): number => img.data[(yy * img.width + xx) * 3 + c]!;
  return (1 - fy) * ((1 - fx) * v(x0, y0) + fx * v(x0 + 1, y0)) + fy * ((1 - fx) * v(x0, y0 + 1) + fx * v(x0 + 1, y0 + 1));
}

// Umeyama (1991) by SVD in numpy (the skimage `_umeyama` formulation), computed once with
// python3 for the fixture's landmarks ×0.6 onto the 224 template: an independent check.
const NUMPY_UMEYAMA_224: Record<string, readonly number[]> = {
  'Abdullah_Gul/Abdullah_Gul_0001.jpg': [2.897466902, 0.422801009, -138.364189684, -0.422801009, 2.897466902, -60.493170576],
  'Adrien_Brody/Adrien_Brody_0003.jpg': [3.238074692, 0.022539091, -134.166864037, -0.022539091, 3.238074692, -108.026245488],
  'AJ_Cook/AJ_Cook_0001.jpg': [2.807138739, -0.319096748, -72.358971445, 0.319096748, 2.807138739, -106.780163099],
};

describe('alignFace', () => {
  it('scales the ArcFace template by size/112', () => {
    assert.deepEqual(arcfaceTemplate(112), ARCFACE_TEMPLATE_112);
    const t = arcfaceTemplate(224);
    for (let i = 0; i < 5; i++) {
      assert.ok(Math.abs(t[i].x - 2 * ARCFACE_TEMPLATE_112[i].x) < 1e-12 && Math.abs(t[i].y - 2 * ARCFACE_TEMPLATE_112[i].y) < 1e-12);
    }
  });

  it('puts landmarks that are an exact similarity image of the template on the template within 1e-6 px', () => {
    // A 300×200 frame whose "face" is the 112-template rotated by 20°, scaled ×0.9 and moved.
    const img: RgbImage = { width: 300, height: 200, data: new Uint8Array(300 * 200 * 3).fill(90) };
    const c = 0.9 * Math.cos(0.35);
    const s = 0.9 * Math.sin(0.35);
    const lm = ARCFACE_TEMPLATE_112.map((p) => ({ x: c * p.x - s * p.y + 120, y: s * p.x + c * p.y + 40 })) as unknown as FiveLandmarks;
    for (const size of [112, 224]) {
      const { image, transform } = alignFace(img, lm, size);
      assert.equal(image.width, size);
      assert.equal(image.height, size);
      const t = arcfaceTemplate(size);
      for (let i = 0; i < 5; i++) {
        const q = applyAffine(transform, lm[i]);
        assert.ok(Math.hypot(q.x - t[i].x, q.y - t[i].y) < 1e-6, `size ${size} point ${i}`);
      }
    }
  });

  it('on the LFW fixtures: matches numpy Umeyama, keeps the landmark centroid on the template centroid, and samples the right pixels', async () => {
    const all = await loadLfwLandmarks(fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'));
    const t = arcfaceTemplate(224);
    const tc = { x: t.reduce((a, p) => a + p.x, 0) / 5, y: t.reduce((a, p) => a + p.y, 0) / 5 };
    let maxResidual = 0;
    for (const [name, lm] of all) {
      const img = await decodeImage(fixturePath('lfw', 'images', name));
      const { image, transform } = alignFace(img, lm, 224);
      const golden = NUMPY_UMEYAMA_224[name];
      if (golden) for (let k = 0; k < 6; k++) assert.ok(Math.abs(transform[k]! - golden[k]!) < 1e-6, `${name} entry ${k}: ${transform[k]} vs numpy ${golden[k]}`);

      const mapped: Point[] = lm.map((p) => applyAffine(transform, p));
      const mc = { x: mapped.reduce((a, p) => a + p.x, 0) / 5, y: mapped.reduce((a, p) => a + p.y, 0) / 5 };
      assert.ok(Math.hypot(mc.x - tc.x, mc.y - tc.y) < 1e-9, `${name}: centroid off by ${Math.hypot(mc.x - tc.x, mc.y - tc.y)}`);
      for (let i = 0; i < 5; i++) maxResidual = Math.max(maxResidual, Math.hypot(mapped[i]!.x - t[i].x, mapped[i]!.y - t[i].y));

      // The crop at a mapped landmark shows what the photo shows at the landmark:
      // checks the warp samples m⁻¹(u, v), not m(u, v). Tolerance: two bilinear roundings.
      const inv = invertAffine(transform);
      let worst = 0;
      for (let v = 40; v < 190; v += 7) {
        for (let u = 30; u < 195; u += 7) {
          const p = applyAffine(inv, { x: u, y: v });
          if (p.x < 0 || p.y < 0 || p.x >= 149 || p.y >= 149) continue;
          for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(image.data[(v * 224 + u) * 3 + ch]! - sample(img, p.x, p.y, ch)));
        }
      }
      assert.ok(worst <= 0.5 + 1e-9, `${name}: crop differs from the photo by ${worst} grey levels`);
    }
    // Real faces are not exact similarity images of the template (pose, face shape), so
    // individual points stay off it; measured max 12.5 px at 224 (6.3 px at 112) on these
    // 8 near-frontal faces. The bound catches a wrong template, scale or point order.
    assert.ok(maxResidual < 16, `max landmark residual ${maxResidual} px at 224`);
    assert.ok(maxResidual > 1, 'a residual of zero on real faces would mean the test compares a thing with itself');
  });
});
