/**
 * Load and faults: `podium run --all` over a scratch board of 20 tiny models × 2 datasets,
 * killed with SIGKILL at random (seeded) points five times and restarted, ends with the same
 * results as an uninterrupted run — byte-identical metric JSON apart from timings and dates —
 * and leaves no temp, partial or lock files behind. Real CLI processes, real onnxruntime.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import { buildScratchBoard, type ScratchBoard } from './scratch-board.ts';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const MODELS = 20;
const KILLS = 5;

let work = '';
let board: ScratchBoard;
let refFiles: string[] = [];
let uninterruptedS = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'podium-load-'));
  await mkdir(join(work, 'repo'));
  board = await buildScratchBoard(join(work, 'repo'), { models: MODELS, images: 3 });
  const t0 = performance.now();
  const reference = await runAll(join(work, 'ref'), join(work, 'ref-cache'));
  expect(reference.exitCode, reference.all).toBe(0);
  uninterruptedS = (performance.now() - t0) / 1000;
  refFiles = await files(join(work, 'ref'));
  expect(refFiles).toHaveLength(MODELS * board.datasets.length);
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

const RUN_OPTIONS = { reject: false, all: true } as const;

function runAll(
  outDir: string,
  cacheDir: string,
  narrow: string[] = ['--all'],
): ResultPromise<typeof RUN_OPTIONS> {
  return execa(
    'node',
    [CLI, 'run', ...narrow, '--root', board.root, '--out-dir', outDir, '--cache-dir', cacheDir],
    RUN_OPTIONS,
  );
}

/** The pid of a process that has exited: what a SIGKILLed run leaves in its file names. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '']);
  const pid = child.pid!;
  await child;
  return pid;
}

async function expectSameAsReference(out: string, only?: string[]): Promise<void> {
  const expected = only ?? refFiles;
  expect(await files(out)).toEqual(expected);
  for (const file of expected) {
    const [ref, got] = await Promise.all([
      readFile(join(work, 'ref', file), 'utf8'),
      readFile(join(out, file), 'utf8'),
    ]);
    expect(normalised(got), file).toBe(normalised(ref));
  }
}

async function leftovers(...dirs: string[]): Promise<string[]> {
  const all = await Promise.all(dirs.map(async (d) => (await files(d)).map((f) => join(d, f))));
  return all.flat().filter((f) => LEFTOVER.test(f));
}

/** Every file below `dir`, relative, sorted. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The metric JSON without what legitimately differs between two runs: timings and dates. */
function normalised(text: string): string {
  const m = JSON.parse(text);
  delete m.speed;
  delete m.run.date;
  delete m.run.durationS;
  for (const h of m.history ?? []) {
    delete h.date;
    delete h.durationS;
  }
  return JSON.stringify(m, null, 2);
}

const LEFTOVER = /\.tmp$|\.partial|\.lock$|\.stale-/;

describe('podium run --all, killed and restarted', () => {
  it('ends with the results of an uninterrupted run and nothing left over', async () => {
    const out = join(work, 'out');
    const cache = join(work, 'cache');
    const random = mulberry32(12);
    const kills: string[] = [];
    for (let attempt = 0; kills.length < KILLS && attempt < KILLS * 3; attempt++) {
      const child = runAll(out, cache);
      // Kill after a random number of finished pairs (0: during start-up), a random moment later.
      const afterPairs = Math.floor(random() * 4);
      const delayMs = Math.floor(random() * 150);
      let seen = 0;
      let armed = afterPairs === 0;
      const kill = () =>
        setTimeout(() => child.kill('SIGKILL'), afterPairs === 0 ? 400 + delayMs * 4 : delayMs);
      if (armed) kill();
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += (chunk.toString().match(/^✓ /gm) ?? []).length;
        if (!armed && seen >= afterPairs) {
          armed = true;
          kill();
        }
      });
      const result = await child;
      if (result.signal === 'SIGKILL') kills.push(`after ${seen} pair(s) + ${delayMs} ms`);
      else expect(result.exitCode, result.all).toBe(0);
      if (result.exitCode === 0) break; // finished before the kill landed: nothing left to interrupt
    }
    expect(kills, 'the runs finished before five kills landed').toHaveLength(KILLS);

    const final = await runAll(out, cache);
    expect(final.exitCode, final.all).toBe(0);
    await expectSameAsReference(out);
    expect(await leftovers(out, cache, join(board.root, 'datasets'), join(board.root, 'models'))).toEqual([]);
    console.log(
      `load: ${MODELS}×${board.datasets.length} pairs, uninterrupted ${uninterruptedS.toFixed(1)} s; ${KILLS} SIGKILLs (${kills.join('; ')})`,
    );
  }, 180_000);

  it('restarts cleanly from each state a kill can leave behind', async () => {
    // A kill lands in a few-millisecond write window only rarely; here each window's leftovers
    // are made as a killed process leaves them (its pid gone), and a restart must clear them.
    const out = join(work, 'planted');
    const cache = join(work, 'planted-cache');
    const pair = ['--model', 'tiny-07', '--dataset', 'shapes'];
    const once = await runAll(out, cache, pair);
    expect(once.exitCode, once.all).toBe(0);
    const [predictions] = (await files(join(cache, 'predictions'))).filter((f) => f.endsWith('.json.gz'));
    const key = predictions!.replace(/\.json\.gz$/, '');
    const pid = await deadPid();
    const result = join(out, 'shapes/tiny-07.json');
    const checkpoint = join(cache, 'predictions', `${key}.partial.jsonl`);

    // Killed while writing the predictions, just after the run started its checkpoint, holding
    // the pair's lock, with a result of an earlier kill half-written: only temp files remain.
    await rm(result);
    await rm(join(cache, 'predictions', predictions!));
    await writeFile(join(out, 'shapes', `.tiny-07.json.${pid}.${Date.now()}.tmp`), '{"half":');
    await writeFile(join(cache, 'predictions', `.${key}.json.gz.${pid}.${Date.now()}.tmp`), 'half');
    await writeFile(checkpoint, `{"k":"${key}"}\n`);
    await mkdir(join(cache, 'locks'), { recursive: true });
    await writeFile(
      join(cache, 'locks', 'shapes--tiny-07.lock'),
      JSON.stringify({ pid, host: hostname(), token: 'dead' }),
    );
    const first = await runAll(out, cache, pair);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stdout).toMatch(/tiny-07 × shapes: benchmarked/);
    await expectSameAsReference(out, ['shapes/tiny-07.json']);
    expect(await leftovers(out, cache)).toEqual([]);

    // Killed after writing the predictions, before removing the checkpoint (and the result).
    await rm(result);
    await writeFile(checkpoint, `{"k":"${key}"}\n`);
    const second = await runAll(out, cache, pair);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.stdout).toMatch(/tiny-07 × shapes: evaluated from cached predictions/);
    await expectSameAsReference(out, ['shapes/tiny-07.json']);
    expect(await leftovers(out, cache)).toEqual([]);
  }, 60_000);
});
