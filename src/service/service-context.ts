/**
 * Everything a running service holds: the gallery (SQLite + in-memory index), the
 * inference pool, the calibration-based decision policy, the quality limits and the API
 * key. Built once at start; `close` releases it all.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PfeError } from '../core/errors.js';
import { assertSameBackbone, type BackboneName, BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE, resolveBackbone } from '../face/backbone/names.js';
import { headFileNameForBackbone } from '../head/model-file.js';
import { noHeadCalibrationFileName } from '../verify/calibration-content.js';
import { ApiKeyCheck } from './auth.js';
import { calibrationFileForHead, type LoadedCalibration, loadCalibrationFile } from '../verify/calibration-file.js';
import { isLoopbackHost, type ServiceConfig } from './config.js';
import { DecisionPolicy } from '../verify/decision.js';
import type { AnalyzerBackend } from './face-analysis.js';
import { GalleryIndex, type SigmaLayout, sigmaLayoutOf } from './gallery-index.js';
import { isGalleryError } from './gallery-errors.js';
import type { EmbeddingSpace, GalleryStore } from './gallery-store.js';
import { GallerySync } from './postgres/gallery-sync.js';
import { PostgresGalleryStore } from './postgres/postgres-gallery-store.js';
import { SqliteGalleryStore } from './sqlite-gallery-store.js';
import { type HeadBinding, loadHeadBinding } from '../head/head-binding.js';
import { EventLoopDelayMonitor } from './event-loop-delay.js';
import { InferencePool } from './inference-pool.js';
import type { QualityLimits } from '../verify/quality-gate.js';
import { WorkerAnalyzerBackend } from './worker-analyzer.js';

/** The repository's models/ folder (this file sits in <root>/<out>/service/). */
export function modelsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
}

/**
 * Which head and calibration to run with, given the options (see `pfe serve --help`):
 * an explicit head with its calibration; else the shipped head when its calibration exists
 * and names that very file (SHA-256); else no head.
 * @param models the models folder (default: the repository's)
 */
export function resolveModelFiles(
  headOption: string | undefined | false,
  calibrationOption: string | undefined,
  models: string = modelsDir(),
  backbone: BackboneName = DEFAULT_BACKBONE,
): { headFile: string | undefined; calibrationFile: string; note: string | undefined } {
  const noHeadCalibration = path.join(models, noHeadCalibrationFileName(backbone));
  if (headOption === false) return { headFile: undefined, calibrationFile: calibrationOption ?? noHeadCalibration, note: undefined };
  if (headOption !== undefined) return { headFile: headOption, calibrationFile: calibrationOption ?? calibrationFileForHead(headOption), note: undefined };
  const shipped = path.join(models, headFileNameForBackbone(backbone));
  if (existsSync(shipped)) {
    const cal = calibrationOption ?? calibrationFileForHead(shipped);
    if (!existsSync(cal)) return { headFile: undefined, calibrationFile: noHeadCalibration, note: `the shipped head ${shipped} has no calibration (${cal}); running without uncertainty` };
    // A head replaced after its calibration was built must not run with stale thresholds.
    if (calibratedHeadSha(cal) !== sha256File(shipped)) {
      return { headFile: undefined, calibrationFile: noHeadCalibration, note: `${cal} was built for another version of ${shipped}; running without uncertainty until it is rebuilt (see build-calibration)` };
    }
    return { headFile: shipped, calibrationFile: cal, note: undefined };
  }
  return { headFile: undefined, calibrationFile: calibrationOption ?? noHeadCalibration, note: 'no uncertainty head found; running without uncertainty (cosine decisions, detector-score gate)' };
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The head SHA-256 a calibration file names, or undefined when it names none or is unreadable. */
function calibratedHeadSha(file: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { head?: { sha256?: unknown } | null };
    return typeof json.head?.sha256 === 'string' ? json.head.sha256 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the inference workers, each with every model loaded; a model that cannot be
 * loaded is a failed start with the reason, not a 500 on every request later.
 * @throws PfeError MODEL_LOAD_FAILED
 */
async function startWorkers(count: number, start: () => Promise<AnalyzerBackend>): Promise<AnalyzerBackend[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, start));
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed === undefined) return ok;
  await Promise.all(ok.map((b) => b.close()));
  const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
  throw new PfeError('MODEL_LOAD_FAILED', `the face models could not be loaded, so the service does not start: ${reason}`);
}

/** An opened gallery with its in-memory index. */
interface OpenGallery {
  readonly store: GalleryStore;
  readonly index: GalleryIndex;
  inSync(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

/**
 * Opens the configured gallery and fills the in-memory index: SQLite in the data folder
 * (one process: the index is right when it holds as many templates as the database), or
 * PostgreSQL shared by replicas (the index follows the database's change log).
 */
async function openGallery(config: ServiceConfig, space: EmbeddingSpace, layout: SigmaLayout): Promise<OpenGallery> {
  if (config.database === undefined) {
    const store = SqliteGalleryStore.open(config.dataDir, space, config.fusionRule);
    try {
      const index = new GalleryIndex(space.dim, layout);
      for await (const row of store.templates()) index.set(row.subjectId, row.template);
      return {
        store,
        index,
        async inSync() {
          const stored = await store.countTemplates();
          return { ok: stored === index.size, detail: `${index.size} templates in memory, ${stored} in the database` };
        },
        close: () => store.close(),
      };
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const store = await PostgresGalleryStore.connect(config.database, space, config.fusionRule);
  try {
    const index = new GalleryIndex(space.dim, layout);
    const sync = await GallerySync.start(store, index, (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    return {
      store,
      index,
      inSync: () => sync.inSync(),
      async close() {
        await sync.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The live objects of a service. */
export interface ServiceContext {
  readonly config: ServiceConfig;
  readonly store: GalleryStore;
  readonly index: GalleryIndex;
  /** Whether the index holds every committed change (readiness). */
  indexInSync(): Promise<{ ok: boolean; detail: string }>;
  readonly pool: InferencePool;
  readonly policy: DecisionPolicy;
  readonly quality: QualityLimits;
  readonly calibration: LoadedCalibration;
  readonly head: HeadBinding | undefined;
  readonly apiKey: ApiKeyCheck | undefined;
  /** True when σ² comes from a head (MLS, uncertainty gate); false in the fallback. */
  readonly uncertaintyAvailable: boolean;
  /** How late the event loop runs (reported by /v1/health). */
  readonly eventLoop: EventLoopDelayMonitor;
  close(): Promise<void>;
}

/**
 * Checks the configuration, loads calibration and head, opens the gallery, fills the
 * in-memory index and starts the inference workers.
 * @param backends analyzer backends to use instead of starting worker threads (tests)
 * @throws PfeError INVALID_ARGUMENT (no API key on a public address, target FAR below the
 *   calibration's resolution, head and calibration that do not belong together), IO_ERROR
 */
export async function createServiceContext(config: ServiceConfig, backends?: readonly AnalyzerBackend[]): Promise<ServiceContext> {
  if (!isLoopbackHost(config.host) && config.apiKey === undefined) {
    throw new PfeError('INVALID_ARGUMENT', `refusing to listen on ${config.host} without an API key (set PFE_API_KEY or --api-key-file); without a key only loopback addresses are allowed`);
  }
  const calibration = await loadCalibrationFile(config.calibrationFile);
  const head = config.headFile === undefined ? undefined : await loadHeadBinding(config.headFile);
  const calHead = calibration.content.head;
  if (head === undefined && calHead !== null) {
    throw new PfeError('INVALID_ARGUMENT', `${config.calibrationFile} was made with the head ${calHead.file}; without a head use a calibration made without one`);
  }
  if (head !== undefined) {
    if (calHead === null || calHead.sha256 !== head.identity.sha256) {
      throw new PfeError('INVALID_ARGUMENT', `${config.calibrationFile} was not made with ${config.headFile}; rebuild it with build-calibration --head ${config.headFile}`);
    }
    if (calibration.mls === undefined) throw new PfeError('INVALID_ARGUMENT', `${config.calibrationFile} has no MLS table`);
  }
  const uncertaintyAvailable = head !== undefined;
  const policy = new DecisionPolicy(calibration, config.targetFar, uncertaintyAvailable);
  let maxUncertainty: number | null = null;
  if (uncertaintyAvailable) {
    maxUncertainty = config.maxUncertainty ?? calibration.content.uncertaintyQuantiles?.[config.gateQuantile] ?? null;
    if (maxUncertainty === null) throw new PfeError('INVALID_ARGUMENT', `no uncertainty limit: give --max-uncertainty or use a calibration with the ${config.gateQuantile} quantile`);
  }
  const quality: QualityLimits = { maxUncertainty, minDetectorScore: config.minDetectorScore, allowMultipleFaces: config.allowMultipleFaces };

  // The head decides the backbone (its σ² belongs to that network), and the calibration must be of the same one.
  const backbone = resolveBackbone(config.backbone, head === undefined ? undefined : { backbone: head.head.backbone, what: `head ${config.headFile}` });
  assertSameBackbone({ backbone, what: 'the service' }, { backbone: calibration.content.backbone, what: `calibration ${config.calibrationFile}` });
  const dim = head?.head.architecture.muDim ?? BACKBONE_DESCRIPTIONS[backbone].dim;
  const space: EmbeddingSpace = { dim, head: head?.identity.sha256 ?? 'none' };
  const layout = sigmaLayoutOf(head);
  let gallery: OpenGallery;
  try {
    gallery = await openGallery(config, space, layout);
  } catch (e) {
    // A gallery that cannot be opened is a failed start with the store's reason.
    if (isGalleryError(e)) throw new PfeError('IO_ERROR', e.message, { cause: e.kind });
    throw e;
  }
  const { store, index } = gallery;
  let pool: InferencePool | undefined;
  try {
    const startWorker = (): Promise<AnalyzerBackend> =>
      WorkerAnalyzerBackend.start({
        embedder: { backbone, backend: config.backend, maxPixels: config.maxPixels, batchSize: config.batchSize, ...(config.modelsDir === undefined ? {} : { modelsDir: config.modelsDir }) },
        ...(config.headFile === undefined ? {} : { headFile: config.headFile }),
      });
    const started = backends ?? (await startWorkers(config.workers, startWorker));
    pool = new InferencePool(started, { maxQueue: config.maxQueue, batchSize: config.batchSize, ...(backends === undefined ? { replace: startWorker } : {}) });
    const livePool = pool;
    const eventLoop = new EventLoopDelayMonitor();
    return {
      config,
      store,
      index,
      pool: livePool,
      policy,
      quality,
      calibration,
      head,
      apiKey: config.apiKey === undefined ? undefined : new ApiKeyCheck(config.apiKey),
      uncertaintyAvailable,
      indexInSync: gallery.inSync,
      eventLoop,
      async close() {
        eventLoop.stop();
        await livePool.close();
        await gallery.close();
      },
    };
  } catch (e) {
    await pool?.close();
    await gallery.close();
    throw e;
  }
}
