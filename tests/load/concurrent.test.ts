/**
 * Two `podium run --all` processes on one cache and one results folder at once (a developer
 * starting a second run, two CI jobs on a shared runner): the pair locks make them take turns,
 * so every pair is benchmarked exactly once, every file written is whole, and nothing is left.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsSchema } from '../../src/lib/schema/metrics.ts';
import { buildScratchBoard, type ScratchBoard } from './scratch-board.ts';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const MODELS = 10;

let work = '';
let board: ScratchBoard;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'podium-concurrent-'));
  await mkdir(join(work, 'repo'));
  board = await buildScratchBoard(join(work, 'repo'), { models: MODELS, images: 3 });
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('concurrent podium run processes on one cache', () => {
  it('take turns: each pair benchmarked once, every file valid, nothing left over', async () => {
    const out = join(work, 'out');
    const cache = join(work, 'cache');
    const args = [CLI, 'run', '--all', '--root', board.root, '--out-dir', out, '--cache-dir', cache];
    const [a, b] = await Promise.all([
      execa('node', args, { reject: false, all: true }),
      execa('node', args, { reject: false, all: true }),
    ]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
    const pairs = MODELS * board.datasets.length;
    const benchmarked = `${a.stdout}\n${b.stdout}`.match(/^✓ .*: benchmarked: /gm) ?? [];
    const upToDate = `${a.stdout}\n${b.stdout}`.match(/^✓ .*: up to date: /gm) ?? [];
    expect(benchmarked).toHaveLength(pairs);
    expect(upToDate).toHaveLength(pairs);

    const results = await files(out);
    expect(results).toHaveLength(pairs);
    for (const file of results) {
      const metrics = MetricsSchema.parse(JSON.parse(await readFile(join(out, file), 'utf8')));
      expect(metrics.history, `${file} was benchmarked twice`).toEqual([]);
    }
    const cached = await files(join(cache, 'predictions'));
    expect(cached.filter((f) => f.endsWith('.json.gz'))).toHaveLength(pairs);
    expect(
      [...cached, ...(await files(join(cache, 'locks')))].filter((f) => !f.endsWith('.json.gz')),
    ).toEqual([]);
  }, 120_000);
});
