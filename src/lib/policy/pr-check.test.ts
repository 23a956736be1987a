import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ModelBuilder } from '../onnx/builder.ts';
import { UserError } from '../util/errors.ts';
import { sha256Bytes } from '../util/hash.ts';
import { changedFiles, checkPullRequest, formatReport, mdCell, type PrCheckReport } from './pr-check.ts';

const REPO = join(import.meta.dirname, '../../..');

let root: string;
let cacheDir: string;

async function git(...args: string[]) {
  return execa('git', args, { cwd: root });
}

async function put(path: string, content: string | Uint8Array) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

async function commit(message: string) {
  await git('add', '-A');
  await git('commit', '-q', '-m', message);
}

function onnx(customDomain?: string): Uint8Array {
  const b = new ModelBuilder()
    .input('images', 'float32', [1, 3, 32, 32])
    .node('Relu', ['images'], ['y'])
    .output('y', 'float32', [1, 3, 32, 32]);
  if (customDomain) b.node('DeformConv', ['y'], ['z'], {}, { domain: customDomain, name: 'deform' });
  return b.toBytes();
}

function manifest(id: string, weights: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return stringify({
    id,
    name: `Model ${id}`,
    family: 'yolov8',
    weights,
    input: { size: [32, 32] },
    classes: ['cat', 'dog'],
    license: 'MIT',
    ...extra,
  });
}

/** A repository on main with one model, and a branch `pr` checked out. */
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-pr-'));
  cacheDir = join(root, '.cache-outside');
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'Test');
  await git('config', 'commit.gpgsign', 'false');
  await put('package.json', '{}');
  await put('.gitignore', '.cache-outside/\n');
  await put('src/index.ts', 'export {};\n');
  await put('results/coco/old-model.json', '{}\n');
  const w = onnx();
  await put('models/old-model/model.onnx', w);
  await put(
    'models/old-model/model.yaml',
    manifest('old-model', { path: 'model.onnx', sha256: sha256Bytes(w) }),
  );
  await commit('base');
  await git('checkout', '-q', '-b', 'pr');
});

function checks(report: PrCheckReport, id: string): Record<string, string> {
  const m = report.models.find((x) => x.id === id);
  if (!m) throw new Error(`no report for ${id}`);
  return Object.fromEntries(m.checks.map((c) => [c.name, c.state]));
}

describe('changedFiles', () => {
  it('lists what the branch changed since it left base, with odd names intact', async () => {
    await put('models/new-one/model.yaml', 'x');
    await put('models/new-one/we|ird `name`.md', 'x');
    await rm(join(root, 'src/index.ts'));
    await commit('change');
    // A commit on main after the branch point is not part of the PR.
    await git('checkout', '-q', 'main');
    await put('docs/later.md', 'x');
    await commit('main moves on');
    await git('checkout', '-q', 'pr');
    const files = await changedFiles(root, 'main');
    expect(files).toEqual([
      { status: 'A', path: 'models/new-one/model.yaml' },
      { status: 'A', path: 'models/new-one/we|ird `name`.md' },
      { status: 'D', path: 'src/index.ts' },
    ]);
  });

  it('refuses a ref that is not one, and explains an unknown one', async () => {
    await expect(changedFiles(root, '--output=/tmp/x')).rejects.toThrow(
      /--base: "--output=\/tmp\/x" is not a git ref/,
    );
    await expect(changedFiles(root, 'origin/nope')).rejects.toThrow(
      /git cannot compare origin\/nope\.\.\.HEAD.*fetch-depth: 0/,
    );
  });
});

describe('checkPullRequest', () => {
  it('passes a clean model PR with local weights, operators checked', async () => {
    const w = onnx();
    await put('models/good-model/model.onnx', w);
    await put(
      'models/good-model/model.yaml',
      manifest('good-model', { path: 'model.onnx', sha256: sha256Bytes(w) }),
    );
    await put('models/good-model/README.md', '# Good model\n');
    await commit('add good-model');
    const report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    expect(report.modelPr).toBe(true);
    expect(report.problems).toEqual([]);
    expect(checks(report, 'good-model')).toEqual({
      id: 'pass',
      manifest: 'pass',
      placeholders: 'pass',
      weights: 'pass',
      licence: 'pass',
      operators: 'pass',
      notes: 'pass',
    });
    expect(report.models[0]!.change).toBe('added');
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toMatch(
      /\| good-model \| operators \| ✅ pass \| standard ONNX operators only/,
    );
  });

  it('fails a PR that also edits results/ or code, and names the files', async () => {
    await put('models/old-model/README.md', 'notes\n');
    await put('results/coco/old-model.json', '{"AP": 1}\n');
    await put('src/index.ts', 'export const x = 1;\n');
    await commit('sneaky');
    const report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'edits results/ (results/coco/old-model.json): results are written by the benchmark workflow, never by hand',
      "changes files outside models/<id>/ (src/index.ts): a model pull request touches only its model's folder",
    ]);
    expect(formatReport(report)).toMatch(/- ❌ edits results\//);
  });

  it('requires remote weights to declare their size, and checks cached weights for custom operators', async () => {
    const custom = onnx('com.example.custom');
    const sha = sha256Bytes(custom);
    await put(
      'models/remote-one/model.yaml',
      manifest('remote-one', { url: 'https://example.com/m.onnx', sha256: sha }),
    );
    await put('models/remote-one/README.md', 'x\n');
    await commit('remote');
    let report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    expect(checks(report, 'remote-one')).toMatchObject({
      manifest: 'pass',
      weights: 'fail',
      operators: 'skip',
    });
    expect(report.models[0]!.checks.find((c) => c.name === 'weights')!.detail).toMatch(
      /declare weights\.bytes/,
    );

    // Once the weights are in the download cache (as after `podium run` or `pr-check --fetch`).
    await put(`.cache-outside/blobs/${sha}`, custom);
    report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    const ops = report.models[0]!.checks.find((c) => c.name === 'operators')!;
    expect(ops.state).toBe('fail');
    expect(ops.detail).toMatch(
      /custom operators.*node 'deform' \(DeformConv\) in domain 'com\.example\.custom'/,
    );
  });

  it('fails on placeholders left by new-model, an invalid manifest, and large local weights', async () => {
    const w = onnx();
    await put('models/todo-model/model.onnx', w);
    await put(
      'models/todo-model/model.yaml',
      `${manifest('todo-model', { path: 'model.onnx', sha256: sha256Bytes(w) }, { name: 'TODO(name): display name' })}`,
    );
    await put(
      'models/bad-model/model.yaml',
      manifest('other-id', { url: 'http://example.com/m.onnx', sha256: 'x' }),
    );
    const big = new Uint8Array(2048);
    await put('models/big-model/model.onnx', big);
    await put(
      'models/big-model/model.yaml',
      manifest('big-model', { path: 'model.onnx', sha256: sha256Bytes(big) }),
    );
    await commit('problems');
    const report = await checkPullRequest({
      repoRoot: root,
      base: 'main',
      cacheDir,
      maxLocalWeightsBytes: 1024,
    });
    expect(report.ok).toBe(false);
    expect(checks(report, 'todo-model')).toMatchObject({
      manifest: 'pass',
      placeholders: 'fail',
      notes: 'warn',
    });
    expect(checks(report, 'bad-model')).toMatchObject({
      manifest: 'fail',
      weights: 'skip',
      operators: 'skip',
    });
    const bad = report.models
      .find((m) => m.id === 'bad-model')!
      .checks.find((c) => c.name === 'manifest')!.detail;
    expect(bad).toMatch(/models\/bad-model\/model\.yaml: /);
    expect(bad).toMatch(/id: "other-id" must equal the folder name "bad-model"/);
    expect(bad).toMatch(/weights\.url: plain http URLs are refused/);
    expect(bad).toMatch(/weights\.sha256: expected 64 lowercase hex/);
    const big2 = report.models.find((m) => m.id === 'big-model')!.checks.find((c) => c.name === 'weights')!;
    expect(big2.state).toBe('fail');
    expect(big2.detail).toMatch(/is 2 KiB, over the 1 KiB allowed in the repository/);
    // The big file is also not a valid ONNX model.
    expect(checks(report, 'big-model').operators).toBe('fail');
  });

  it('flags a folder that is not a valid id and a model removal', async () => {
    await put('models/Bad_Name/model.yaml', 'id: x\n');
    await git('rm', '-q', '-r', 'models/old-model');
    await commit('odd');
    const report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    expect(checks(report, 'Bad_Name')).toEqual({ id: 'fail' });
    expect(checks(report, 'old-model')).toMatchObject({ id: 'pass', removal: 'warn' });
    expect(report.models.find((m) => m.id === 'old-model')!.change).toBe('removed');
    expect(report.ok).toBe(false);
  });

  it('does not apply the model policy to a PR without model changes', async () => {
    await put('src/index.ts', 'export const y = 2;\n');
    await commit('code');
    const report = await checkPullRequest({ repoRoot: root, base: 'main', cacheDir });
    expect(report).toMatchObject({ modelPr: false, ok: true, models: [], problems: [] });
    expect(formatReport(report)).toMatch(/the model policy does not apply/);
  });
});

describe('the Markdown summary', () => {
  it('escapes everything that comes from the pull request', () => {
    expect(mdCell('a|b')).toBe('a\\|b');
    const hostile =
      '![x](https://tracker.example/p.png) <img src=x onerror=alert(1)> `code` [l](javascript:alert(1))\nnext';
    const cell = mdCell(hostile);
    expect(cell).not.toMatch(/<img|<script|(?<!\\)!\[|(?<!\\)\]\(/);
    expect(cell).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(cell).toContain('<br>next');
    expect(mdCell('a | b || c')).not.toMatch(/(?<!\\)\|/);
  });

  it('podium pr-check writes the table to $GITHUB_STEP_SUMMARY and exits 2 on failure', async () => {
    await put('models/x|y/model.yaml', 'id: x\n');
    await commit('pipe');
    const summary = join(root, '.cache-outside', 'summary.md');
    await mkdir(dirname(summary), { recursive: true });
    await writeFile(summary, '# earlier step\n');
    const res = await execa(
      process.execPath,
      [join(REPO, 'src/cli/main.ts'), 'pr-check', '--base', 'main', '--root', root],
      {
        reject: false,
        env: { GITHUB_STEP_SUMMARY: summary, PODIUM_CACHE_DIR: cacheDir },
      },
    );
    expect(res.exitCode).toBe(2);
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## Podium pull request checks')).toBe(true);
    expect(text).toContain('| x\\|y | id | ❌ fail |');
    expect(res.stdout).toContain('## Podium pull request checks');

    const missing = await execa(
      process.execPath,
      [join(REPO, 'src/cli/main.ts'), 'pr-check', '--root', root],
      { reject: false },
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/--base is required/);
  });
});

it('UserError is what a bad ref raises', async () => {
  await expect(changedFiles(root, '-x')).rejects.toBeInstanceOf(UserError);
});
