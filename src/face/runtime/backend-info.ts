/**
 * The tfjs backend types both runtimes share: the Node one (tfjs-runtime.ts) and its browser
 * counterpart (src/browser/runtime.ts), which the #platform/tfjs-runtime seam picks between.
 * Types only, so either side can import them.
 */

/** The backends this project supports. */
export type BackendName = 'wasm' | 'cpu';

/** What `initBackend` ended up with. */
export interface BackendInfo {
  /** The backend now active in tf. */
  readonly backend: BackendName;
  /** The backend that was asked for. */
  readonly requested: BackendName;
  /** Why the requested backend was not used, when it was not. */
  readonly fallbackReason?: string;
}
