import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { levelSize, planPasses, type PyramidOptions } from './pyramid-plan.js';

const OPTIONS: PyramidOptions = { tileSize: 416, fineTileSize: 832, minFaceSize: 40, netMinFace: 24, maxFaceAtFineLevel: 160 };

describe('planPasses', () => {
  it('looks at a small image once, whole, at its own scale', () => {
    const passes = planPasses(150, 150, OPTIONS);
    assert.equal(passes.length, 1);
    assert.deepEqual({ level: passes[0]!.level, w: passes[0]!.width, sx: passes[0]!.scaleX, tiles: passes[0]!.tiles.length }, { level: 0, w: 150, sx: 1, tiles: 1 });
  });

  it('fits a 20 MP image into one anti-aliased whole-image pass, then tiles finer levels down to full resolution', () => {
    const passes = planPasses(5000, 4000, OPTIONS);
    const top = passes[0]!;
    assert.ok(top.width <= 416 && top.height <= 416 && top.tiles.length === 1);
    // The coarsest level is resized by at most 2× (no aliasing): its level size is ≤ 2·416.
    const lv = levelSize(5000, 4000, top.level);
    assert.ok(Math.max(lv.width, lv.height) <= 832 && top.width / lv.width >= 0.5);
    assert.equal(passes[passes.length - 1]!.level, 0, 'a 40-px face needs the full-resolution pass');
    assert.equal(top.maxFace, Infinity);
    for (const p of passes.slice(1)) assert.equal(p.maxFace, 160);
  });

  it('stops at the level where the smallest wanted face is big enough', () => {
    const passes = planPasses(5000, 4000, { ...OPTIONS, minFaceSize: 400 });
    // 400 px at the whole-image pass's scale (416/625) is ≥ 24 px: no finer pass.
    assert.equal(passes.length, 1);
  });

  it('gives tiles whose cores cover every pixel of a level exactly once, each core inside its tile with the overlap as margin', () => {
    for (const [w, h] of [
      [5000, 4000],
      [1280, 1158],
      [900, 3000],
    ] as const) {
      for (const pass of planPasses(w, h, OPTIONS).slice(1)) {
        const cover = new Uint8Array(pass.width * pass.height);
        for (const t of pass.tiles) {
          assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= pass.width && t.y + t.height <= pass.height, 'tile inside the level');
          for (let y = t.coreY0; y < t.coreY1; y++) for (let x = t.coreX0; x < t.coreX1; x++) cover[y * pass.width + x]! += 1;
          // A face up to maxFace centred in the core fits in the tile (or touches the level's border).
          const half = pass.maxFace / 2;
          if (t.coreX0 > 0) assert.ok(t.coreX0 - t.x >= half - 1, `left margin ${t.coreX0 - t.x}`);
          if (t.coreX1 < pass.width) assert.ok(t.x + t.width - t.coreX1 >= half - 1, `right margin ${t.x + t.width - t.coreX1}`);
          if (t.coreY0 > 0) assert.ok(t.coreY0 - t.y >= half - 1, `top margin ${t.coreY0 - t.y}`);
          if (t.coreY1 < pass.height) assert.ok(t.y + t.height - t.coreY1 >= half - 1, `bottom margin ${t.y + t.height - t.coreY1}`);
        }
        assert.ok(cover.every((c) => c === 1), `${w}×${h} level ${pass.level}: cores overlap or leave gaps`);
      }
    }
  });

  it('rejects a fine face limit that does not fit a tile', () => {
    assert.throws(() => planPasses(100, 100, { ...OPTIONS, maxFaceAtFineLevel: 900 }), /maxFaceAtFineLevel/);
  });
});
