/**
 * `npm ci` must install without EBADENGINE warnings on the Node.js version the README names:
 * every package in package-lock.json that states `engines.node` must accept this Node.
 * (npm's own check; this test reads the lock, so it fails as soon as a dependency update
 * pulls in a package that wants a newer Node, e.g. cookie@2 wanting Node 22.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

type Version = [number, number, number];

/** A version or partial version with x/* wildcards; missing parts are wildcards. */
function parts(text: string): (number | undefined)[] {
  return text
    .replace(/^v/, '')
    .split('.')
    .slice(0, 3)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : undefined));
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Whether `v` satisfies one comparator (>=, >, <=, <, =, ^, ~, or an x-range). */
function satisfiesComparator(v: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(comparator)!;
  const op = m[1] ?? '';
  const p = parts(m[2]!);
  const base: Version = [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
  switch (op) {
    case '>=':
      return compare(v, base) >= 0;
    case '>':
      return compare(v, base) > 0;
    case '<=':
      return compare(v, base) <= 0;
    case '<':
      return compare(v, base) < 0;
    case '^':
      return compare(v, base) >= 0 && (base[0] > 0 ? v[0] === base[0] : v[0] === 0 && v[1] === base[1]);
    case '~':
      return compare(v, base) >= 0 && v[0] === base[0] && v[1] === base[1];
    default: // '=' or an x-range such as 20.x, 10.*, *
      return p.every((x, i) => x === undefined || x === v[i]);
  }
}

/** Whether `v` satisfies a node-semver range made of `||` alternatives of space-separated comparators. */
export function satisfies(v: Version, range: string): boolean {
  return range.split('||').some((alt) => {
    const comparators = alt.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter((c) => c !== '');
    return comparators.length === 0 || comparators.every((c) => satisfiesComparator(v, c));
  });
}

describe('engines', () => {
  it('the range check works on the forms the lock file uses', () => {
    const v20: Version = [20, 20, 2];
    assert.ok(satisfies(v20, '>=18') && satisfies(v20, '>= 10.x') && satisfies(v20, '^20.9.0') && satisfies(v20, '20.x || 22.x'));
    assert.ok(satisfies(v20, '10.* || >= 12.*') && satisfies(v20, '*') && satisfies(v20, '>=9.4.0 || ^8.9.4'));
    assert.ok(!satisfies(v20, '>=22') && !satisfies(v20, '^22.0.0') && !satisfies(v20, '22.x || 24.x') && !satisfies(v20, '>=20.21'));
  });

  it('every locked package accepts this Node.js (no EBADENGINE on npm ci)', () => {
    const lock = JSON.parse(readFileSync(path.join(packageRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } }> };
    const node = parts(process.version).map((x) => x ?? 0) as Version;
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node !== undefined && !satisfies(node, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${p.engines!.node}`);
    assert.deepEqual(refused, [], `on Node ${process.version}`);
  });
});
