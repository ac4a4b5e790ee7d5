/**
 * Milliseconds per training step of the head on random data (B = 256, 64 identities × 4),
 * for choosing the layer widths:
 *   node <build>/train/bench-head-step.js [inputDim=1024] [hidden=256] [output=256] [scalar|per-dimension] [wasm|cpu]
 * Reports the mean over 20 steps after 3 warm-up steps; the machine load matters, so
 * note `uptime` beside the number.
 */
import { SeededRandom } from '../core/random.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { BN_EPSILON, type HeadArchitecture } from '../head/head-model.js';
import { HeadTrainer, initialHeadWeights } from './head-trainer.js';

const [c = 1024, h = 256, o = 256] = process.argv.slice(2, 5).map(Number);
const mode = process.argv[5] === 'per-dimension' ? 'per-dimension' : 'scalar';
const backend = process.argv[6] === 'cpu' ? 'cpu' : 'wasm';
const D = 1024;
const B = 256;
const info = await initBackend(backend);
const a: HeadArchitecture = { inputKind: 'pooled_global', inputDim: c, hiddenDim: h, outputDim: mode === 'per-dimension' ? D : o, muDim: D, sigmaMode: mode, bnEpsilon: BN_EPSILON };
const rng = new SeededRandom(1);
const trainer = new HeadTrainer(a, initialHeadWeights(a, rng, { inputMean: new Float32Array(c), inputScale: Float32Array.of(1), muMean: new Float32Array(D) }));
const x = Float32Array.from({ length: B * c }, () => rng.nextGaussian());
const mu = Float32Array.from({ length: B * D }, () => rng.nextGaussian() / 32);
const labels = Int32Array.from({ length: B }, (_, i) => Math.floor(i / 4));
for (let i = 0; i < 3; i++) trainer.step(x, mu, labels, 1e-3);
const n = 20;
const t0 = performance.now();
for (let i = 0; i < n; i++) trainer.step(x, mu, labels, 1e-3);
console.log(`${info.backend} C=${c} H=${h} O=${a.outputDim} ${mode}: ${((performance.now() - t0) / n).toFixed(1)} ms/step`);
