/**
 * A service for tests whose routes run no inference (the bulk import): the shipped head and
 * calibration, so the gallery has the real embedding space (D, σ² layout), but an analyzer
 * backend that refuses every image instead of worker threads with the face models.
 */
import { defaultConfig, type ServiceConfig } from '../service/config.js';
import type { AnalyzerBackend, AnalyzeResult } from '../service/face-analysis.js';
import { type RunningService, startService } from '../service/server.js';
import { resolveModelFiles } from '../service/service-context.js';

/** Refuses every image (NO_FACE): nothing is ever inferred. */
export class NoInferenceBackend implements AnalyzerBackend {
  async analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    return images.map(() => ({ status: 'failed', code: 'NO_FACE', reason: 'a test backend without inference' }));
  }
  async close(): Promise<void> {}
}

/**
 * Starts such a service on a free loopback port.
 * @param config at least the data folder; anything else overrides the defaults
 * @throws Error when the shipped head is not in models/
 */
export async function startServiceWithoutInference(config: Partial<ServiceConfig> & Pick<ServiceConfig, 'dataDir'>): Promise<RunningService> {
  const models = resolveModelFiles(undefined, undefined);
  if (models.headFile === undefined) throw new Error('the shipped head is not in models/');
  return startService({ ...defaultConfig(), port: 0, headFile: models.headFile, calibrationFile: models.calibrationFile, workers: 1, ...config }, [new NoInferenceBackend()]);
}
