import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` refuses a lockfile that lacks other platforms' optional packages, which npm writes
 * when the lockfile is updated over an existing node_modules. Regenerate it with
 * `rm package-lock.json && npm install --package-lock-only`.
 */
interface LockEntry {
  optionalDependencies?: Record<string, string>;
}
type Packages = Record<string, LockEntry>;

const ROOT = join(import.meta.dirname, '../..');

/** Optional dependencies that no lockfile entry provides, as "<dependent> → <dependency>". */
function missingOptionalPackages(packages: Packages): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      // node resolution: the dependent's own node_modules, then each enclosing one, then the root's
      let dir = path;
      let found = false;
      for (;;) {
        if (packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) {
          found = true;
          break;
        }
        if (!dir) break;
        const at = dir.lastIndexOf('node_modules/');
        dir = at <= 0 ? '' : dir.slice(0, at - 1);
      }
      if (!found) missing.push(`${path || '(root)'} → ${dep}`);
    }
  }
  return missing;
}

/** Platform packages built for linux-x64 whose darwin-arm64 twin is absent (the usual symptom). */
function missingTwins(packages: Packages): string[] {
  const keys = new Set(Object.keys(packages));
  return [...keys].filter(
    (k) => /linux-x64(-gnu)?$/.test(k) && !keys.has(k.replace(/linux-x64(-gnu)?$/, 'darwin-arm64')),
  );
}

const read = (text: string) => (JSON.parse(text) as { packages: Packages }).packages;

describe('package-lock.json', () => {
  const packages = read(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

  it("holds every platform's optional packages, so npm ci works on any machine", () => {
    expect(Object.keys(packages).some((k) => k.endsWith('darwin-arm64'))).toBe(true);
    expect(missingOptionalPackages(packages)).toEqual([]);
    expect(missingTwins(packages)).toEqual([]);
  });

  it('the check catches the incomplete lockfile this repository once had', () => {
    let old: string;
    try {
      old = execFileSync('git', ['show', 'b934e49^:package-lock.json'], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      // a shallow clone lacks that commit; cut the current lockfile down the way npm did instead
      old = JSON.stringify({
        packages: Object.fromEntries(Object.entries(packages).filter(([k]) => !/darwin|win32/.test(k))),
      });
    }
    const incomplete = read(old);
    expect(missingOptionalPackages(incomplete).length).toBeGreaterThan(0);
    expect(missingTwins(incomplete).length).toBeGreaterThan(0);
  });
});
