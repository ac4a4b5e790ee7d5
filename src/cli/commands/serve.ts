import { backboneOptionHelp, parseBackboneName } from '../../face/backbone/names.js';
import path from 'node:path';
import { isFusionRule } from '../../core/fusion.js';
import { loadApiKey } from '../../service/auth.js';
import { defaultConfig, type ServiceConfig } from '../../service/config.js';
import { demoPageNote } from '../../service/demo-routes.js';
import { resolveModelFiles } from '../../service/service-context.js';
import { startService } from '../../service/server.js';
import { choiceOption, integerOption, numberOption, parseCommandArgs } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  'api-key-file': { type: 'string' },
  head: { type: 'string' },
  'no-head': { type: 'boolean' },
  backbone: { type: 'string' },
  calibration: { type: 'string' },
  'target-far': { type: 'string' },
  'max-uncertainty': { type: 'string' },
  'min-detector-score': { type: 'string' },
  'allow-multiple-faces': { type: 'boolean' },
  fusion: { type: 'string' },
  'store-images': { type: 'boolean' },
  'max-body-mb': { type: 'string' },
  'max-pixels': { type: 'string' },
  workers: { type: 'string' },
  queue: { type: 'string' },
  batch: { type: 'string' },
  backend: { type: 'string' },
  'web-dir': { type: 'string' },
} as const;

const d = defaultConfig();

const usage = `Usage: pfe serve [options]

Starts the face verification and identification HTTP service (API under /v1, OpenAPI
document at /v1/openapi.json) and the browser demo page under /demo/ (built by
npm run build:web; public, no API key). The gallery is a SQLite database in the data folder
(one process per folder), or a PostgreSQL database shared by several replicas (--database),
each keeping its in-memory index in sync through the database's change log.
Stops cleanly on SIGINT / SIGTERM. /v1/health is liveness, /v1/ready readiness.

The PostgreSQL URL comes from --database or the environment variable PFE_DATABASE_URL
(which keeps a password out of the process list).

The API key comes from the environment variable PFE_API_KEY or --api-key-file; every
write and biometric read needs it (Authorization: Bearer <key> or X-API-Key). Without a
key the service only listens on a loopback address.

Uncertainty: with an uncertainty head (--head, or models/pfe-head-faceres.pfehead when
it ships with a calibration), comparisons answer MLS, decisions are made on MLS and the
quality gate uses the uncertainty. Without one (--no-head, or no head found) responses say
"uncertaintyAvailable": false, MLS is null, decisions use cosine and the gate uses the
detector score only.

Options:
      --host <addr>              listen address (default ${d.host})
      --port <n>                 port (default ${d.port}; 0 = any free port)
      --data <dir>               data folder of the SQLite gallery (default ./${d.dataDir})
      --database <url>           PostgreSQL gallery shared by replicas, postgres://user@host:port/db
                                 (else PFE_DATABASE_URL; neither: SQLite in --data)
      --api-key-file <file>      file whose first line is the API key (else PFE_API_KEY)
${backboneOptionHelp('      ', 27)}
      --head <file.pfehead>      uncertainty head (default: the backbone's shipped head)
      --no-head                  run without uncertainty even when a head ships
      --calibration <file>       calibration JSON (default: the one belonging to the head,
                                 models/calibration-<head>.json, or models/calibration-<backbone>.json)
      --target-far <f>           false-accept rate of decisions (default ${d.targetFar})
      --max-uncertainty <u>      quality gate limit (default: the calibration's ${d.gateQuantile}
                                 quantile of clean-image uncertainty)
      --min-detector-score <s>   quality gate on the detector score (default ${d.minDetectorScore})
      --allow-multiple-faces     use the largest face instead of refusing images with several
      --fusion <rule>            template fusion: min (default, reference code), product, mean
      --store-images             keep enrolment images in the gallery (off: only embeddings)
      --max-body-mb <n>          largest request in MiB (default ${d.maxBodyBytes / 1024 / 1024})
      --max-pixels <n>           largest image width×height (default ${d.maxPixels})
      --workers <n>              inference worker threads (default ${d.workers}, one per core)
      --queue <n>                queued images before 503 + Retry-After (default 4 per worker)
      --batch <n>                images per backbone call (default ${d.batchSize})
      --backend <name>           wasm (default) or cpu
      --web-dir <dir>            folder of the built demo page served at /demo/
                                 (default: web/dist of this package, from npm run build:web)`;

/** Parses the options into a service configuration. */
export function serveConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { config: ServiceConfig; note: string | undefined } {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.head !== undefined && values['no-head'] === true) throw new UsageError('--head and --no-head exclude each other');
  const fusion = values.fusion ?? 'min';
  if (!isFusionRule(fusion)) throw new UsageError(`--fusion must be min, product or mean; got '${fusion}'`);
  const workers = integerOption(values.workers, 'workers', { min: 1, max: 64 }, d.workers);
  const backbone = values.backbone === undefined ? undefined : parseBackboneName(values.backbone);
  const models = resolveModelFiles(values['no-head'] === true ? false : values.head, values.calibration, undefined, backbone);
  const database = values.database ?? env['PFE_DATABASE_URL'];
  if (database !== undefined && !/^postgres(ql)?:\/\//.test(database)) throw new UsageError('--database must be a postgres:// or postgresql:// URL');
  if (database !== undefined && values.data !== undefined) throw new UsageError('--data (SQLite) and --database (PostgreSQL) exclude each other');
  const maxUncertainty = values['max-uncertainty'] === undefined ? undefined : numberOption(values['max-uncertainty'], 'max-uncertainty', { min: 0 }, 0);
  const config: ServiceConfig = {
    ...d,
    host: values.host ?? d.host,
    port: integerOption(values.port, 'port', { min: 0, max: 65535 }, d.port),
    dataDir: values.data ?? d.dataDir,
    ...(database === undefined ? {} : { database }),
    apiKey: loadApiKey(values['api-key-file'], env),
    backbone,
    headFile: models.headFile,
    calibrationFile: models.calibrationFile,
    targetFar: numberOption(values['target-far'], 'target-far', { min: 0, max: 1 }, d.targetFar),
    maxUncertainty,
    minDetectorScore: numberOption(values['min-detector-score'], 'min-detector-score', { min: 0, max: 1 }, d.minDetectorScore),
    allowMultipleFaces: values['allow-multiple-faces'] === true,
    fusionRule: fusion,
    storeImages: values['store-images'] === true,
    maxBodyBytes: Math.round(numberOption(values['max-body-mb'], 'max-body-mb', { min: 0.01, max: 1024 }, d.maxBodyBytes / 1024 / 1024) * 1024 * 1024),
    maxPixels: integerOption(values['max-pixels'], 'max-pixels', { min: 1 }, d.maxPixels),
    workers,
    maxQueue: integerOption(values.queue, 'queue', { min: 0 }, 4 * workers),
    batchSize: integerOption(values.batch, 'batch', { min: 1, max: 64 }, d.batchSize),
    backend: choiceOption(values.backend, 'backend', ['wasm', 'cpu'], d.backend),
    webDir: values['web-dir'] === undefined ? d.webDir : path.resolve(values['web-dir']),
  };
  return { config, note: models.note };
}

const command: CliCommand = {
  summary: 'start the face verification / identification HTTP service (SQLite or PostgreSQL gallery, calibrated decisions)',
  usage,
  async run(argv) {
    const { config, note } = serveConfig(argv);
    if (note !== undefined) process.stderr.write(`pfe serve: ${note}\n`);
    if (config.apiKey === undefined) process.stderr.write('pfe serve: no API key configured; every endpoint is open to local clients\n');
    const service = await startService(config);
    const ctx = service.context;
    process.stdout.write(
      `pfe serve: listening on ${service.url} (gallery ${ctx.store.location}, ${ctx.index.size} subjects, ${config.workers} workers, ` +
        `${ctx.uncertaintyAvailable ? `head ${ctx.head!.identity.file}` : 'no uncertainty head'}, decisions on ${ctx.policy.metric} at FAR ${config.targetFar})\n`,
    );
    process.stdout.write(`pfe serve: ${demoPageNote(service.url, config.webDir)}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await service.close();
    return 0;
  },
};

export default command;
