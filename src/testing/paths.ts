import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root (the folder holding package.json), found from this compiled file in dist/testing. */
export const packageRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of a committed test fixture under `fixtures/`. */
export function fixturePath(...parts: string[]): string {
  return path.join(packageRoot, 'fixtures', ...parts);
}

/**
 * The shared face data folder (`../shared/data` beside the project), or undefined
 * when it is absent; tests that need the full data set skip in that case.
 * PFE_SHARED_DATA overrides the location.
 */
export function sharedDataDir(): string | undefined {
  const dir = process.env['PFE_SHARED_DATA'] ?? path.resolve(packageRoot, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}
