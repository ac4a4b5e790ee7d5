/**
 * Settings of the service, with their defaults and where each default comes from.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FusionRule } from '../core/fusion.js';
import { type BackboneName, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { noHeadCalibrationFileName } from '../verify/calibration-content.js';
import type { BackendName } from '../face/runtime/tfjs-runtime.js';
import { DEFAULT_GATE_QUANTILE, DEFAULT_TARGET_FAR } from '../verify/decision-defaults.js';

/** Everything `startService` needs. */
export interface ServiceConfig {
  /** Address to listen on; a non-loopback address requires an API key. */
  readonly host: string;
  /** TCP port (0 = any free port). */
  readonly port: number;
  /** Folder of the SQLite gallery (used when `database` is undefined). */
  readonly dataDir: string;
  /**
   * PostgreSQL connection URL (postgres://user:password@host:port/db) of a gallery shared
   * by several replicas; undefined = the embedded SQLite gallery in dataDir.
   */
  readonly database?: string;
  /** The API key, or undefined (allowed on loopback only). */
  readonly apiKey: string | undefined;
  /** Face-recognition backbone; undefined = the head's, else DEFAULT_BACKBONE (resolveBackbone). */
  readonly backbone: BackboneName | undefined;
  /** Calibration file (models/calibration-*.json). */
  readonly calibrationFile: string;
  /** Uncertainty head (.pfehead) or undefined for the documented no-head fallback. */
  readonly headFile: string | undefined;
  /** Target false-accept rate of decisions. */
  readonly targetFar: number;
  /** Largest accepted uncertainty; undefined = the calibration's clean-image quantile `gateQuantile`. */
  readonly maxUncertainty: number | undefined;
  /** Which clean-image uncertainty quantile is the default limit. */
  readonly gateQuantile: string;
  readonly minDetectorScore: number;
  readonly allowMultipleFaces: boolean;
  readonly fusionRule: FusionRule;
  /** Keep uploaded enrolment images in the gallery (off by default). */
  readonly storeImages: boolean;
  /** Largest request body in bytes (JSON with base64 images, or multipart); the streamed bulk import has a bound per line instead. */
  readonly maxBodyBytes: number;
  /**
   * Time a request gets to arrive whole, headers and body (slow-upload protection); the
   * streamed bulk import, which may last hours, instead gets this long between two pieces
   * of its body.
   */
  readonly requestTimeoutMs: number;
  /** Largest accepted width×height of an uploaded image. */
  readonly maxPixels: number;
  /** Worker threads running inference. */
  readonly workers: number;
  /** Images waiting beyond which requests get 503. */
  readonly maxQueue: number;
  /** Images per backbone call. */
  readonly batchSize: number;
  readonly backend: BackendName;
  /** Folder of the face models (detector, backbone); undefined = the bundled ones. */
  readonly modelsDir?: string;
  /** Folder of the built browser demo page, served under /demo/ (see demo-routes.ts). */
  readonly webDir: string;
}

/**
 * Where `npm run build:web` writes the demo page: web/dist under the package root (this
 * file sits in <root>/<out>/service/, like modelsDir() in service-context.ts; the same
 * folder as WEB_DIST in src/browser-node/build-web.ts).
 */
export function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
}

/**
 * Defaults:
 * - targetFar and gateQuantile: DEFAULT_TARGET_FAR (1e-3) and DEFAULT_GATE_QUANTILE ('0.995'),
 *   shared with FacePfe and the browser page (decision-defaults.ts).
 * - minDetectorScore 0.5: BlazeFace's own detection threshold (blazeface.ts), i.e. the
 *   detector-score gate is off unless configured; it is the only gate without a head.
 * - maxBodyBytes 8 MiB: a 6 MB photo as base64 (×4/3) fits; larger uploads are refused.
 * - requestTimeoutMs 60 s: ample for an 8 MiB upload at 1.1 Mbit/s; a slower sender is cut off.
 * - maxPixels 16 MP: phone photos (12 MP) pass; decoding stays under 48 MB per image.
 * - maxQueue 4 per worker and batchSize 4: a queued request waits at most ~2 batches.
 * - webDir: the package's web/dist (`defaultWebDir`), whatever the working directory.
 */
export function defaultConfig(): ServiceConfig {
  const workers = availableParallelism();
  return {
    host: '127.0.0.1',
    port: 8080,
    dataDir: 'pfe-data',
    apiKey: undefined,
    backbone: undefined,
    calibrationFile: path.join('models', noHeadCalibrationFileName(DEFAULT_BACKBONE)),
    headFile: undefined,
    targetFar: DEFAULT_TARGET_FAR,
    maxUncertainty: undefined,
    gateQuantile: DEFAULT_GATE_QUANTILE,
    minDetectorScore: 0.5,
    allowMultipleFaces: false,
    fusionRule: 'min',
    storeImages: false,
    maxBodyBytes: 8 * 1024 * 1024,
    requestTimeoutMs: 60_000,
    maxPixels: 16_000_000,
    workers,
    maxQueue: 4 * workers,
    batchSize: 4,
    backend: 'wasm',
    webDir: defaultWebDir(),
  };
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
