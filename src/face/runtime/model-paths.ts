/**
 * Where the bundled models live: @vladmandic/human 3.3.6 ships blazeface, facemesh,
 * iris and faceres as tfjs graph models in its `models/` folder (MIT licence).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The models this project uses from @vladmandic/human's `models/` folder. */
export type BundledModelName = 'blazeface' | 'facemesh' | 'iris' | 'faceres';

/** The default models folder: `node_modules/@vladmandic/human/models`, found by module resolution (no network). */
export function defaultModelsDir(): string {
  // Resolving (not importing) the package: its main, dist/human.node.js, needs tfjs-node.
  const main = fileURLToPath(import.meta.resolve('@vladmandic/human'));
  return path.resolve(path.dirname(main), '..', 'models');
}

/** Path of `<name>.json` in `modelsDir` (default: `defaultModelsDir()`). */
export function bundledModelPath(name: BundledModelName, modelsDir: string = defaultModelsDir()): string {
  return path.join(modelsDir, `${name}.json`);
}
