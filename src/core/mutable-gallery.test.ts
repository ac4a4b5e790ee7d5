import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withKernelBackend } from './kernel-backend.js';
import { MLS_PAPER } from './mls.js';
import { checkScanProbe, MutableGallery } from './mutable-gallery.js';
import { SeededRandom } from './random.js';

function row(rng: SeededRandom, dim: number): { mu: Float32Array; sigmaSq: Float32Array } {
  return {
    mu: Float32Array.from({ length: dim }, () => rng.nextGaussian()),
    sigmaSq: Float32Array.from({ length: dim }, () => 10 ** (-3 + 2 * rng.nextFloat())),
  };
}

describe('MutableGallery', () => {
  it('keeps rows dense across appends, replacements and removals over several shards', () => {
    const dim = 13;
    const rng = new SeededRandom(5);
    // shards of a few rows: every operation crosses shard boundaries
    const gallery = new MutableGallery(dim, 'diagonal', { shardBytes: 300_000 });
    const model: { mu: Float32Array; sigmaSq: Float32Array }[] = [];
    for (let step = 0; step < 5000; step++) {
      const r = rng.nextFloat();
      if (r < 0.25 && model.length > 0) {
        const at = rng.nextUint32() % model.length;
        const moved = gallery.remove(at);
        const last = model.pop()!;
        if (at < model.length) model[at] = last;
        assert.equal(moved, at === model.length ? -1 : model.length);
      } else if (r < 0.4 && model.length > 0) {
        const at = rng.nextUint32() % model.length;
        model[at] = row(rng, dim);
        gallery.replace(at, model[at]!.mu, model[at]!.sigmaSq);
      } else {
        const next = row(rng, dim);
        assert.equal(gallery.append(next.mu, next.sigmaSq), model.length);
        model.push(next);
      }
    }
    assert.ok(gallery.shardHandles().length > 1);
    assert.equal(gallery.count, model.length);
    model.forEach((m, i) => assert.deepEqual(gallery.row(i), { mu: m.mu, sigmaSq: m.sigmaSq }));
    // the wasm scan scores each row as the JS fallback does, within float32 tolerance
    const probe = row(rng, dim);
    const checked = checkScanProbe(probe.mu, probe.sigmaSq, dim);
    const wasm = new Float64Array(gallery.count);
    gallery.scan(checked, { kind: 'diagonal', definition: MLS_PAPER }, (first, values) => wasm.set(values, first));
    const js = new Float64Array(gallery.count);
    withKernelBackend('js', () => gallery.scan(checked, { kind: 'diagonal', definition: MLS_PAPER }, (first, values) => js.set(values, first)));
    for (let i = 0; i < js.length; i++) assert.ok(Math.abs(wasm[i]! - js[i]!) <= 1e-5 * Math.max(1, Math.abs(js[i]!)), `${wasm[i]} vs ${js[i]}`);
  });

  it('checks each row as it enters and names it', () => {
    const gallery = new MutableGallery(3, 'isotropic');
    assert.throws(() => gallery.append(new Float32Array([1, 2, Number.NaN]), 1, 'row x'), { code: 'NON_FINITE' });
    assert.throws(() => gallery.append(new Float32Array([1, 2, 3]), 0), { code: 'NON_POSITIVE_VARIANCE' });
    assert.throws(() => gallery.append(new Float32Array([1, 2, 3]), new Float32Array(3).fill(1)), { code: 'DIMENSION_MISMATCH' });
    assert.throws(() => gallery.append(new Float32Array(4), 1), { code: 'DIMENSION_MISMATCH' });
    assert.throws(() => gallery.remove(0), { code: 'INDEX_OUT_OF_RANGE' });
    assert.equal(gallery.count, 0);
  });
});
