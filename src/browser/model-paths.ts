/**
 * Browser counterpart of src/face/runtime/model-paths.ts (the bundle takes it through package.json `imports`, #platform/*):
 * the models are copied at build time into `models/` next to the page and fetched from
 * the page's own origin, never from a third-party host.
 */

/** The models this project uses from @vladmandic/human's `models/` folder. */
export type BundledModelName = 'blazeface' | 'facemesh' | 'iris' | 'faceres';

/** `models/` next to the page, as an absolute URL ending in '/'. */
export function defaultModelsDir(): string {
  return new URL('models/', document.baseURI).href;
}

/** URL of `<name>.json` in `modelsDir` (default: `defaultModelsDir()`). */
export function bundledModelPath(name: BundledModelName, modelsDir: string = defaultModelsDir()): string {
  return new URL(`${name}.json`, modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`).href;
}
