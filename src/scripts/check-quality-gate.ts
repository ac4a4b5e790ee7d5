/**
 * How often the service's uncertainty gate refuses images of a given quality: applies the
 * head to `pfe embed` caches (clean and degraded copies of LFW) and counts the images whose
 * uncertainty (harmonic mean of σ²) is above the limit the service would use (the
 * calibration's clean-image quantile, or --max-uncertainty).
 *
 *   node build-<you>/scripts/check-quality-gate.js --head models/pfe-head-faceres.pfehead \
 *     --calibration models/calibration-pfe-head-faceres.json .cache/lfw/clean .cache/lfw/level2 .cache/lfw/level4
 */
import { parseArgs } from 'node:util';
import { gaussianBatch } from '../core/embedding.js';
import { uncertaintyScores } from '../core/uncertainty.js';
import { loadCalibrationData } from '../verify/calibration-data.js';
import { loadCalibrationFile } from '../verify/calibration-file.js';
import { defaultConfig } from '../service/config.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { head: { type: 'string' }, calibration: { type: 'string' }, 'max-uncertainty': { type: 'string' }, quantile: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (values.head === undefined || values.calibration === undefined || positionals.length === 0) throw new Error('give --head, --calibration and at least one cache folder');
  const calibration = await loadCalibrationFile(values.calibration);
  const quantile = values.quantile ?? defaultConfig().gateQuantile;
  const limit = values['max-uncertainty'] !== undefined ? Number(values['max-uncertainty']) : calibration.content.uncertaintyQuantiles?.[quantile];
  if (limit === undefined || !(limit > 0)) throw new Error(`no uncertainty limit (quantile ${quantile} missing from the calibration)`);
  process.stdout.write(`limit ${limit.toPrecision(4)} (${values['max-uncertainty'] !== undefined ? '--max-uncertainty' : `clean quantile ${quantile} of ${values.calibration}`})\n`);
  process.stdout.write('cache                          images  median uncertainty  refused\n');
  for (const dir of positionals) {
    const { embeddings } = await loadCalibrationData(dir, values.head, false);
    const u = uncertaintyScores(gaussianBatch(embeddings.mu, embeddings.sigmaSq!, embeddings.dim)).sort();
    let refused = 0;
    for (const v of u) if (v > limit) refused++;
    process.stdout.write(`${dir.padEnd(30)} ${String(u.length).padStart(6)}  ${u[Math.floor(u.length / 2)]!.toPrecision(4).padStart(18)}  ${((100 * refused) / u.length).toFixed(1).padStart(6)}%\n`);
  }
}

await main();
