import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  makeMetrics,
  tempRepo,
  tinyGt,
  writeDataset,
  writeModel,
} from '../../../tests/support/board-fixtures.ts';
import { UserError } from '../util/errors.ts';
import { planBenchmarks, toMatrix } from './plan.ts';
import { resultPath, writeResult } from './store.ts';

const REPO = join(import.meta.dirname, '../../..');

/** A board with two datasets and four models, one hidden, one whose classes fit no dataset. */
async function board() {
  const root = await tempRepo('podium-plan-');
  const tinySha = await writeDataset(root, 'tiny');
  await writeDataset(root, 'people', {
    ...tinyGt(3),
    categories: [{ id: 1, name: 'person' }],
    annotations: [],
  });
  await writeModel(root, { id: 'm-one' });
  await writeModel(root, { id: 'm-two' });
  await writeModel(root, { id: 'm-hidden', hidden: true });
  await writeModel(root, { id: 'm-coco', classes: 'coco80' });
  return { root, tinySha };
}

/** Stores a result for the pair as a run with the given key would have. */
async function store(
  root: string,
  model: string,
  cacheKey: string,
  extra: Parameters<typeof makeMetrics>[0] = {},
) {
  const { readFile: read } = await import('node:fs/promises');
  const yaml = await read(join(root, 'models', model, 'model.yaml'), 'utf8');
  const weights = /sha256: ([0-9a-f]{64})/.exec(yaml)![1]!;
  await writeResult(
    resultPath(root, 'tiny', model),
    makeMetrics({ model, dataset: 'tiny', weightsSha256: weights, cacheKey, ...extra }),
  );
}

describe('planBenchmarks', () => {
  it('plans every new runnable pair and says why the others are skipped', async () => {
    const { root } = await board();
    const plan = await planBenchmarks({ repoRoot: root });
    expect(plan.pairs.map((p) => [p.model, p.dataset, p.status, p.reason])).toEqual([
      ['m-one', 'tiny', 'new', 'no stored result'],
      ['m-two', 'tiny', 'new', 'no stored result'],
    ]);
    expect(plan.pairs[0]).toMatchObject({ result: 'results/tiny/m-one.json', images: 6, shards: 1 });
    const skipped = plan.skipped.map((s) => `${s.model} × ${s.dataset ?? '*'}`);
    expect(skipped).toEqual(
      expect.arrayContaining([
        'm-hidden × *',
        'm-coco × tiny',
        'm-coco × people',
        'm-one × people',
        'm-two × people',
      ]),
    );
    expect(plan.skipped.find((s) => s.model === 'm-hidden')?.reason).toMatch(/hidden/);
    expect(plan.skipped.find((s) => s.model === 'm-coco' && s.dataset === 'tiny')?.reason).toMatch(
      /classes do not match tiny's categories.*no category for 78 of the model's 80 classes/,
    );
    expect(toMatrix(plan)).toEqual({
      include: [
        { model: 'm-one', dataset: 'tiny' },
        { model: 'm-two', dataset: 'tiny' },
      ],
    });
  });

  it('leaves fresh pairs out and names what changed for stale ones', async () => {
    const { root } = await board();
    const first = await planBenchmarks({ repoRoot: root });
    const keyOf = (model: string) => first.pairs.find((p) => p.model === model)!.cacheKey;
    await store(root, 'm-one', keyOf('m-one'));
    await store(root, 'm-two', 'f'.repeat(64));
    let plan = await planBenchmarks({ repoRoot: root });
    expect(plan.pairs.map((p) => [p.model, p.status, p.reason])).toEqual([
      ['m-one', 'fresh', 'up to date'],
      ['m-two', 'stale', 'runner version, image list or inference parameters changed'],
    ]);
    expect(plan.pairs[0]!.storedCacheKey).toBe(plan.pairs[0]!.cacheKey);
    expect(toMatrix(plan)).toEqual({ include: [{ model: 'm-two', dataset: 'tiny' }] });

    // A manifest rewritten with its fields in another order and a new description: still fresh.
    const manifest = parse(await readFile(join(root, 'models/m-one/model.yaml'), 'utf8')) as object;
    const reversed = Object.fromEntries(Object.entries(manifest).reverse());
    await writeFile(
      join(root, 'models/m-one/model.yaml'),
      stringify({ description: 'cosmetic edit', ...reversed, name: 'Renamed' }),
    );
    plan = await planBenchmarks({ repoRoot: root, model: 'm-one' });
    expect(plan.pairs.map((p) => p.status)).toEqual(['fresh']);

    // New weights.
    await writeModel(root, { id: 'm-one', weightsSha256: '9'.repeat(64) });
    plan = await planBenchmarks({ repoRoot: root, model: 'm-one' });
    expect(plan.pairs.map((p) => [p.status, p.reason])).toEqual([['stale', 'new weights']]);

    // Changed preprocessing (same weights).
    await writeModel(root, { id: 'm-one', size: [96, 96] });
    plan = await planBenchmarks({ repoRoot: root, model: 'm-one' });
    expect(plan.pairs[0]!.status).toBe('stale');
  });

  it('re-plans everything on the dataset when its annotations change, and on a new evaluator', async () => {
    const { root } = await board();
    const first = await planBenchmarks({ repoRoot: root });
    for (const p of first.pairs) await store(root, p.model, p.cacheKey);
    expect(toMatrix(await planBenchmarks({ repoRoot: root })).include).toEqual([]);

    const gt = tinyGt();
    gt.annotations[0]!.bbox = [11, 10, 30, 20];
    await writeDataset(root, 'tiny', gt);
    const plan = await planBenchmarks({ repoRoot: root });
    expect(plan.pairs.map((p) => [p.model, p.status, p.reason])).toEqual([
      ['m-one', 'stale', 'new annotations'],
      ['m-two', 'stale', 'new annotations'],
    ]);

    const root2 = (await board()).root;
    const plan2 = await planBenchmarks({ repoRoot: root2 });
    await store(root2, 'm-one', plan2.pairs[0]!.cacheKey, { evaluatorVersion: '0.9.0' });
    const after = await planBenchmarks({ repoRoot: root2, model: 'm-one' });
    // The stored key is the current one here, but a result of an older evaluator is still found stale
    // once its key differs; with an equal key the pair is fresh whatever the stored version says.
    expect(after.pairs[0]!.status).toBe('fresh');
    await store(root2, 'm-one', 'e'.repeat(64), { evaluatorVersion: '0.9.0' });
    const stale = await planBenchmarks({ repoRoot: root2, model: 'm-one' });
    expect(stale.pairs[0]!.reason).toMatch(/^evaluator 0\.9\.0 → /);
  });

  it('treats a stored smoke run as stale, and --force re-runs fresh pairs', async () => {
    const { root } = await board();
    const first = await planBenchmarks({ repoRoot: root });
    await store(root, 'm-one', first.pairs[0]!.cacheKey, { limit: 50 });
    await store(root, 'm-two', first.pairs[1]!.cacheKey);
    const plan = await planBenchmarks({ repoRoot: root });
    expect(plan.pairs.map((p) => [p.model, p.status, p.reason])).toEqual([
      ['m-one', 'stale', 'the stored result is a run limited to 50 images'],
      ['m-two', 'fresh', 'up to date'],
    ]);
    const forced = await planBenchmarks({ repoRoot: root, force: true, dataset: 'tiny' });
    expect(forced.pairs.map((p) => p.status)).toEqual(['forced', 'forced']);
    expect(toMatrix(forced).include).toHaveLength(2);
  });

  it('plans a hidden model only when named, and refuses unknown ids', async () => {
    const { root } = await board();
    const plan = await planBenchmarks({ repoRoot: root, model: 'm-hidden', dataset: 'tiny' });
    expect(toMatrix(plan)).toEqual({ include: [{ model: 'm-hidden', dataset: 'tiny' }] });
    await expect(planBenchmarks({ repoRoot: root, model: 'nope' })).rejects.toThrow(
      /--model: no model "nope" \(expected models\/nope\/model\.yaml\)/,
    );
    await expect(planBenchmarks({ repoRoot: root, dataset: 'nope' })).rejects.toThrow(UserError);
  });

  it('skips pairs whose result git ignores (local-only results such as the demo)', async () => {
    const { root } = await board();
    await execa('git', ['init', '-q'], { cwd: root });
    await writeFile(join(root, '.gitignore'), '/results/tiny/\n');
    const plan = await planBenchmarks({ repoRoot: root });
    expect(plan.pairs).toEqual([]);
    expect(toMatrix(plan)).toEqual({ include: [] });
    expect(plan.skipped).toContainEqual({
      model: 'm-one',
      dataset: 'tiny',
      reason: 'results/tiny/m-one.json is git-ignored (a local-only result)',
    });
    const local = await planBenchmarks({ repoRoot: root, includeIgnored: true });
    expect(local.pairs.map((p) => p.model)).toEqual(['m-one', 'm-two']);
    await writeFile(join(root, '.gitignore'), '/results/other/\n');
    expect((await planBenchmarks({ repoRoot: root })).pairs).toHaveLength(2);
  });

  it('splits large datasets into shards in the matrix', async () => {
    const { root } = await board();
    const plan = await planBenchmarks({ repoRoot: root, model: 'm-one', maxImagesPerShard: 4 });
    expect(plan.pairs[0]!.shards).toBe(2);
    expect(toMatrix(plan)).toEqual({
      include: [
        { model: 'm-one', dataset: 'tiny', shard: '1/2' },
        { model: 'm-one', dataset: 'tiny', shard: '2/2' },
      ],
    });
  });

  it('refuses to plan over invalid manifests or an invalid stored result, naming the file', async () => {
    const { root } = await board();
    await writeFile(join(root, 'results-placeholder'), '');
    await writeResult(resultPath(root, 'tiny', 'm-one'), makeMetrics({ model: 'm-one' }));
    const bad = JSON.parse(await readFile(resultPath(root, 'tiny', 'm-one'), 'utf8'));
    bad.run.cacheKey = 'nope';
    await writeFile(resultPath(root, 'tiny', 'm-one'), JSON.stringify(bad));
    await expect(planBenchmarks({ repoRoot: root })).rejects.toThrow(
      /results\/tiny\/m-one\.json: run\.cacheKey: expected 64 lowercase hex/,
    );
    await writeFile(join(root, 'models/m-two/model.yaml'), 'id: m-two\nname: x\nfamily: nope\n');
    await expect(planBenchmarks({ repoRoot: root })).rejects.toThrow(
      /cannot plan: 1 manifest failed validation[\s\S]*models\/m-two\/model\.yaml/,
    );
  });
});

describe('podium plan (CLI)', () => {
  it('prints the matrix with --json and a table otherwise', async () => {
    const { root } = await board();
    const cli = (args: string[]) =>
      execa(process.execPath, [join(REPO, 'src/cli/main.ts'), 'plan', '--root', root, ...args], {
        reject: false,
      });
    const json = await cli(['--json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      include: [
        { model: 'm-one', dataset: 'tiny' },
        { model: 'm-two', dataset: 'tiny' },
      ],
    });
    const table = await cli(['--dataset', 'tiny']);
    expect(table.stdout).toMatch(/^status\s+model\s+dataset\s+size\s+why$/m);
    expect(table.stdout).toMatch(/^new\s+m-one\s+tiny\s+6 images\s+no stored result$/m);
    expect(table.stdout).toMatch(/2 of 2 pairs to run\.$/);
    const bad = await cli(['--model', 'Bad']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/podium: error: --model: no model "Bad"/);
  });
});
