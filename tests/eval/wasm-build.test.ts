/**
 * The committed WebAssembly modules (src/**.wasm) are the build of their AssemblyScript sources
 * in wasm/ (`npm run build:wasm`), byte for byte: a source changed without a rebuild fails here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('the committed WebAssembly modules', () => {
  it('are the build of their sources in wasm/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-wasm-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/build-wasm.ts', dir], { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const committed = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.wasm'))
        .map((f) => join('src', f));
      expect(committed.length).toBe(6);
      expect(readdirSync(dir).length).toBe(committed.length);
      for (const module of committed) {
        const built = readFileSync(join(dir, basename(module)));
        expect(built.equals(readFileSync(join(root, module))), module).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
