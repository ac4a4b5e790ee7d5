import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticImages } from './synthetic-faces.js';

describe('syntheticImages', () => {
  const plan = [
    { identity: 0, degradation: 0 },
    { identity: 0, degradation: 0 },
    { identity: 1, degradation: 0 },
    { identity: 0, degradation: 1 },
    { identity: 1, degradation: 1 },
  ];
  it('is a deterministic function of the seed', () => {
    assert.deepEqual(syntheticImages(3, 32, 2, plan).mu, syntheticImages(3, 32, 2, plan).mu);
    assert.notDeepEqual(syntheticImages(3, 32, 2, plan).mu, syntheticImages(4, 32, 2, plan).mu);
  });
  it('gives unit rows, more variance to degraded images, and degraded images of different people that look alike', () => {
    const dim = 256;
    const s = syntheticImages(5, dim, 2, plan);
    const dot = (i: number, j: number): number => {
      let t = 0;
      for (let l = 0; l < dim; l++) t += s.mu[i * dim + l]! * s.mu[j * dim + l]!;
      return t;
    };
    for (let i = 0; i < plan.length; i++) assert.ok(Math.abs(dot(i, i) - 1) < 1e-5);
    assert.ok(s.sigmaSq[3 * dim]! > 5 * s.sigmaSq[0]!, 'degraded image has larger sigma²');
    assert.ok(dot(0, 1) > 0.6, 'two clean images of one identity are close');
    assert.ok(Math.abs(dot(0, 2)) < 0.3, 'clean images of two identities are far apart');
    assert.ok(dot(3, 4) > 0.2, 'fully degraded images of two identities drift together');
  });
});
