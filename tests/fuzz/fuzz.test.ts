/**
 * Fuzzing: valid manifests, annotations, results files and ONNX bytes, mutated at random (seeded,
 * a few hundred cases, each under a time limit), fed to the commands that read them. Every case
 * must end in a result or a clear error with exit 2 (harness.ts says exactly what is judged).
 * Most cases run in-process through the CLI's own entry points; a handful through the real CLI.
 * A failing case prints its seed and input file, so it can be replayed: PODIUM_FUZZ_SEED=<n> runs
 * another seed, PODIUM_FUZZ_PROBE=<suite> prints every case's outcome of that suite.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildScratchBoard } from '../load/scratch-board.ts';
import { judge, type Outcome, podium } from './harness.ts';
import { mutateBytes, mutateJsonText, mutateTree, type Rng, rng } from './mutate.ts';

const SEED = Number(process.env['PODIUM_FUZZ_SEED'] ?? 20261201);
const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

let work = '';
let root = '';
const originals = new Map<string, Buffer>();
/** Inputs of a few cases, replayed through the real CLI at the end. */
const forCli: { name: string; argv: string[]; files: Record<string, Buffer> }[] = [];

const file = (rel: string) => join(root, rel);
const MODEL_YAML = 'models/tiny-00/model.yaml';
const DATASET_YAML = 'datasets/shapes/dataset.yaml';
const WEIGHTS = 'models/tiny-00/model.onnx';
const GT = 'datasets/shapes/annotations.json';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'podium-fuzz-'));
  root = join(work, 'repo');
  await mkdir(root);
  await buildScratchBoard(root, { models: 1, images: 3 });
  await rm(join(root, 'datasets/shapes-b'), { recursive: true });
  // Every preprocessing number spelt out, so that mutations reach them.
  const model = parse(await readFile(file(MODEL_YAML), 'utf8'));
  model.input = {
    ...model.input,
    resize: 'letterbox',
    padValue: 114,
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    colour: 'RGB',
  };
  await writeFile(file(MODEL_YAML), stringify(model));
  // Unpinned annotations, so that mutated ones reach the checks behind the sha256 comparison.
  const manifest = await readFile(file(DATASET_YAML), 'utf8');
  await writeFile(file(DATASET_YAML), manifest.replace(/^ {2}sha256: [0-9a-f]{64}\n/m, ''));
  const gt = JSON.parse(await readFile(file(GT), 'utf8'));
  // Detections near each ground-truth box, with scores, as a detector would give.
  const dt = gt.annotations.map(
    (a: { image_id: number; category_id: number; bbox: number[] }, i: number) => ({
      image_id: a.image_id,
      category_id: a.category_id,
      bbox: a.bbox.map((v, k) => v + ((i + k) % 3) - 1),
      score: 0.3 + ((i * 37) % 60) / 100,
    }),
  );
  await writeFile(join(work, 'dt.json'), JSON.stringify(dt));
  for (const rel of [MODEL_YAML, DATASET_YAML, WEIGHTS, GT]) originals.set(rel, await readFile(file(rel)));
  originals.set('dt', await readFile(join(work, 'dt.json')));
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

async function restore(): Promise<void> {
  for (const rel of [MODEL_YAML, DATASET_YAML, WEIGHTS, GT]) await writeFile(file(rel), originals.get(rel)!);
  await writeFile(join(work, 'dt.json'), originals.get('dt')!);
}

/** Runs `count` cases; each mutates its input with its own seed and must be judged acceptable. */
async function fuzz(
  name: string,
  count: number,
  one: (r: Rng, i: number) => Promise<{ outcome: Outcome; outFile?: string; input: string }>,
  allowed: readonly number[] = [0, 2],
): Promise<Record<number, number>> {
  const codes: Record<number, number> = {};
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const seed = SEED + i * 7919 + name.length;
    await restore();
    const { outcome, outFile, input } = await one(rng(seed), i);
    codes[outcome.code] = (codes[outcome.code] ?? 0) + 1;
    if (process.env['PODIUM_FUZZ_PROBE'] === name)
      console.log(`PROBE ${outcome.code}: ${outcome.output.slice(0, 300)}`);
    const problems = judge(outcome, outFile);
    if (!allowed.includes(outcome.code))
      problems.push(`exit ${outcome.code} where only ${allowed.join(' or ')} is right`);
    if (problems.length) {
      failures.push(
        `${name} #${i} (seed ${seed}, ${input}): ${problems.join('; ')}\n${outcome.output.slice(0, 1500)}`,
      );
    }
  }
  await restore();
  console.log(`fuzz ${name}: ${count} cases (seed ${SEED}), exit codes ${JSON.stringify(codes)}`);
  expect(failures, failures.join('\n\n')).toEqual([]);
  // Both outcomes must occur: a suite where every mutant is refused (or none) tests little.
  expect(Object.keys(codes).length, JSON.stringify(codes)).toBeGreaterThanOrEqual(1);
  return codes;
}

/** A manifest mutated as text (bytes) or as a tree (YAML parsed, node replaced, written back). */
function mutateYaml(text: Buffer, r: Rng): Buffer {
  if (r.next() < 0.4) return Buffer.from(mutateBytes(text, r));
  return Buffer.from(
    stringify(mutateTree(parse(text.toString('utf8')), r), { aliasDuplicateObjects: false }),
  );
}

describe('fuzz', () => {
  it('manifests: podium validate', async () => {
    const codes = await fuzz('manifest', 140, async (r, i) => {
      const rel = i % 2 === 0 ? MODEL_YAML : DATASET_YAML;
      const mutated = mutateYaml(originals.get(rel)!, r);
      await writeFile(file(rel), mutated);
      const argv = ['validate', '--root', root];
      if (i === 3 || i === 8) forCli.push({ name: `validate #${i}`, argv, files: { [file(rel)]: mutated } });
      return { outcome: await podium(argv), input: rel };
    });
    expect(codes[2]).toBeGreaterThan(0);
    expect(codes[0]).toBeGreaterThan(0);
  }, 120_000);

  it('annotations and detections: podium eval', async () => {
    const gt = JSON.parse(originals.get(GT)!.toString('utf8'));
    const dt = JSON.parse(originals.get('dt')!.toString('utf8'));
    const out = join(work, 'eval-out', 'metrics.json');
    const codes = await fuzz('eval', 160, async (r, i) => {
      await rm(join(work, 'eval-out'), { recursive: true, force: true });
      await mkdir(join(work, 'eval-out'));
      const target = i % 2 === 0 ? file(GT) : join(work, 'dt.json');
      const mutated =
        r.next() < 0.3
          ? Buffer.from(mutateBytes(originals.get(i % 2 === 0 ? GT : 'dt')!, r))
          : Buffer.from(mutateJsonText(i % 2 === 0 ? gt : dt, r));
      await writeFile(target, mutated);
      const argv = [
        'eval',
        '--gt',
        file(GT),
        '--dt',
        join(work, 'dt.json'),
        '--out',
        out,
        '--quiet',
        '--resamples',
        '3',
      ];
      if (i === 4 || i === 7) forCli.push({ name: `eval #${i}`, argv, files: { [target]: mutated } });
      return { outcome: await podium(argv), outFile: out, input: i % 2 === 0 ? 'gt' : 'dt' };
    });
    expect(codes[2]).toBeGreaterThan(0);
    expect(codes[0]).toBeGreaterThan(0);
  }, 120_000);

  it('ONNX bytes: podium run', async () => {
    const out = join(work, 'run-out', 'result.json');
    const cache = join(work, 'run-cache');
    const codes = await fuzz('onnx', 50, async (r, i) => {
      await rm(join(work, 'run-out'), { recursive: true, force: true });
      const mutated = Buffer.from(mutateBytes(originals.get(WEIGHTS)!, r));
      await writeFile(file(WEIGHTS), mutated);
      const argv = ['run', '--model', 'tiny-00', '--dataset', 'shapes', '--root', root];
      argv.push('--out', out, '--cache-dir', cache, '--quiet');
      if (i === 2) forCli.push({ name: `run #${i}`, argv, files: { [file(WEIGHTS)]: mutated } });
      return { outcome: await podium(argv), outFile: out, input: WEIGHTS };
    });
    expect(codes[2]).toBeGreaterThan(0);
  }, 120_000);

  it('model manifests that validate or not: podium run', async () => {
    const out = join(work, 'mrun-out', 'result.json');
    const cache = join(work, 'mrun-cache');
    await fuzz('model-run', 40, async (r) => {
      await rm(join(work, 'mrun-out'), { recursive: true, force: true });
      await writeFile(file(MODEL_YAML), mutateYaml(originals.get(MODEL_YAML)!, r));
      const argv = ['run', '--model', 'tiny-00', '--dataset', 'shapes', '--root', root];
      argv.push('--out', out, '--cache-dir', cache, '--quiet');
      return { outcome: await podium(argv), outFile: out, input: MODEL_YAML };
    });
  }, 120_000);

  it('annotations of a dataset: podium run', async () => {
    const gt = JSON.parse(originals.get(GT)!.toString('utf8'));
    const out = join(work, 'ann-out', 'result.json');
    const cache = join(work, 'ann-cache');
    const codes = await fuzz('annotations', 40, async (r) => {
      await rm(join(work, 'ann-out'), { recursive: true, force: true });
      const mutated =
        r.next() < 0.2 ? Buffer.from(mutateBytes(originals.get(GT)!, r)) : mutateJsonText(gt, r);
      await writeFile(file(GT), mutated);
      const argv = ['run', '--model', 'tiny-00', '--dataset', 'shapes', '--root', root];
      argv.push('--out', out, '--cache-dir', cache, '--quiet');
      return { outcome: await podium(argv), outFile: out, input: GT };
    });
    expect(codes[2]).toBeGreaterThan(0);
  }, 120_000);

  it('stored results and cached predictions: podium run again', async () => {
    const out = join(work, 'again-out', 'result.json');
    const cache = join(work, 'again-cache');
    const argv = ['run', '--model', 'tiny-00', '--dataset', 'shapes', '--root', root, '--out', out];
    argv.push('--cache-dir', cache, '--quiet');
    expect((await podium(argv)).code).toBe(0);
    const result = await readFile(out);
    const [predictionsName] = (await import('node:fs')).readdirSync(join(cache, 'predictions'));
    const predictionsFile = join(cache, 'predictions', predictionsName!);
    const predictions = await readFile(predictionsFile);
    await fuzz(
      'stored',
      50,
      async (r, i) => {
        await writeFile(out, result);
        await writeFile(predictionsFile, predictions);
        if (i % 2 === 0) {
          const value = JSON.parse(result.toString('utf8'));
          await writeFile(
            out,
            r.next() < 0.3 ? Buffer.from(mutateBytes(result, r)) : mutateJsonText(value, r),
          );
        } else {
          const value = JSON.parse(gunzipSync(predictions).toString('utf8'));
          const text =
            r.next() < 0.3 ? Buffer.from(mutateBytes(predictions, r)) : gzipSync(mutateJsonText(value, r));
          await writeFile(predictionsFile, text);
          await rm(out); // so that the cached predictions are read
        }
        return { outcome: await podium(argv), outFile: out, input: i % 2 === 0 ? 'result' : 'predictions' };
      },
      [0],
    ); // a damaged cache or stored result is replaced, never an error the user must fix
  }, 120_000);

  it('a handful of the same cases through the real CLI process', async () => {
    expect(forCli.length).toBeGreaterThanOrEqual(5);
    const failures: string[] = [];
    for (const c of forCli) {
      await restore();
      for (const [path, bytes] of Object.entries(c.files)) await writeFile(path, bytes);
      const run = await execa('node', [CLI, ...c.argv], { reject: false, all: true, timeout: 30_000 });
      const problems = judge({ code: run.exitCode ?? -1, output: run.all ?? '' });
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}\n${run.all?.slice(0, 1500)}`);
    }
    await restore();
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 120_000);
});
