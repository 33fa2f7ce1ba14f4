import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface LockEntry {
  engines?: { node?: string } | string[];
}

describe('the Node version the README asks for', () => {
  const documented = /You need Node (\d+) with npm (\d+)/.exec(read('README.md'));
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };

  it('is the one package.json "engines" and the pinned node dev dependency name', () => {
    expect(documented, 'README.md says "You need Node <major> with npm <major>"').not.toBeNull();
    const major = Number(documented![1]);
    expect(semver.minVersion(pkg.engines.node)?.major).toBe(major);
    expect(semver.minVersion(pkg.devDependencies.node!)?.major).toBe(major);
  });

  it('satisfies every installed package’s engines, so npm ci on it prints no EBADENGINE warning', () => {
    const oldest = `${documented![1]}.0.0`;
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
    const unmet = Object.entries(lock.packages)
      .map(([path, entry]) => [path || 'switchboard', !Array.isArray(entry.engines) ? entry.engines?.node : undefined] as const)
      .filter(([, range]) => range !== undefined && !semver.satisfies(oldest, range, { includePrerelease: true }))
      .map(([path, range]) => `${path} needs node ${range}`);
    expect(unmet).toEqual([]);
  });
});
