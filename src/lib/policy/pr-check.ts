/**
 * The maintainers' policy checks on a pull request (`podium pr-check --base <ref>`), from the
 * files it changes (`git diff --name-status <base>...HEAD`):
 *
 * - a model PR (one touching models/) changes only files under models/<id>/, never results/
 *   (the benchmark workflow writes those) and nothing else in the repository;
 * - each changed model's manifest validates (schema, id = folder, https URLs, local files), has no
 *   TODO placeholder left from `podium new-model`, pins its weights by sha256 with a declared size
 *   (remote) or stays small enough to live in git (local), and names its licence;
 * - when the weights are on disk (local, in the download cache, or fetched with `fetch`), the ONNX
 *   graph uses only the standard operator domains.
 *
 * The report renders as a Markdown table for $GITHUB_STEP_SUMMARY. Everything in it that comes
 * from the pull request (file names, ids, messages quoting manifest values) is escaped.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { blobPath, cacheRoot } from '../fetch/cache.ts';
import { resolveWeights } from '../fetch/weights.ts';
import { type LoadedModel, loadModelManifest } from '../manifest/load.ts';
import { assertStandardOps, inspectModel } from '../onnx/inspect.ts';
import { formatBytes, Slug } from '../schema/common.ts';
import { isUserError, UserError } from '../util/errors.ts';
import { exists } from '../util/fs.ts';
import { resolveRealInside } from '../util/paths.ts';
import { MAX_LOCAL_WEIGHTS_BYTES, MAX_NOTES_BYTES, MAX_WEIGHTS_BYTES } from './limits.ts';

/** Left in a manifest by `podium new-model` until the contributor fills the value in. */
export const PLACEHOLDER_MARK = 'TODO(';

export type ChangeStatus = 'A' | 'M' | 'D' | 'T' | 'U' | 'X' | 'B';

export interface ChangedFile {
  readonly status: ChangeStatus;
  /** Repository-relative, forward slashes, exactly as git prints it. */
  readonly path: string;
}

export type CheckState = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  readonly name: string;
  readonly state: CheckState;
  readonly detail: string;
}

export interface ModelReport {
  /** The folder name under models/ (not necessarily a valid id: that is one of the checks). */
  readonly id: string;
  readonly change: 'added' | 'changed' | 'removed';
  readonly files: readonly ChangedFile[];
  readonly checks: readonly Check[];
}

export interface PrCheckReport {
  readonly base: string;
  /** The PR touches models/: the model policy applies. */
  readonly modelPr: boolean;
  readonly files: readonly ChangedFile[];
  readonly models: readonly ModelReport[];
  /** Problems of the PR as a whole (files outside models/<id>/). */
  readonly problems: readonly string[];
  readonly ok: boolean;
}

export interface PrCheckOptions {
  readonly repoRoot: string;
  /** Git ref the PR targets, e.g. origin/main. */
  readonly base: string;
  /** Download remote weights (verified by sha256 and size) to check their operators. */
  readonly fetch?: boolean | undefined;
  readonly cacheDir?: string | undefined;
  readonly maxLocalWeightsBytes?: number | undefined;
}

/** A ref is passed to git as an argument: refuse anything that could read as an option. */
function checkRef(base: string): void {
  if (!/^[A-Za-z0-9._/@{}~^][A-Za-z0-9._/@{}~^-]*$/.test(base) || base.includes('..'))
    throw new UserError(`--base: "${base}" is not a git ref (e.g. origin/main)`);
}

/** `git diff --name-status <base>...HEAD`: what the branch changed since it left base. */
export async function changedFiles(repoRoot: string, base: string): Promise<ChangedFile[]> {
  checkRef(base);
  const res = await execa('git', ['diff', '--name-status', '-z', '--no-renames', `${base}...HEAD`, '--'], {
    cwd: repoRoot,
    reject: false,
    stripFinalNewline: false,
  });
  if (res.exitCode !== 0) {
    throw new UserError(
      `--base: git cannot compare ${base}...HEAD: ${String(res.stderr).trim().split('\n')[0]}` +
        ' (in GitHub Actions, check out with fetch-depth: 0 so the base branch is there)',
    );
  }
  const fields = String(res.stdout).split('\0');
  const out: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!.charAt(0) as ChangeStatus;
    out.push({ status, path: fields[i + 1]! });
  }
  return out;
}

/** Groups changed files: per model folder, results/, and everything else. */
export function classifyChanges(files: readonly ChangedFile[]): {
  models: Map<string, ChangedFile[]>;
  results: ChangedFile[];
  outside: ChangedFile[];
} {
  const models = new Map<string, ChangedFile[]>();
  const results: ChangedFile[] = [];
  const outside: ChangedFile[] = [];
  for (const f of files) {
    const parts = f.path.split('/');
    if (parts[0] === 'models' && parts.length >= 3) {
      const id = parts[1]!;
      models.set(id, [...(models.get(id) ?? []), f]);
    } else if (parts[0] === 'results') results.push(f);
    else outside.push(f);
  }
  return { models, results, outside };
}

export async function checkPullRequest(options: PrCheckOptions): Promise<PrCheckReport> {
  const { repoRoot, base } = options;
  const files = await changedFiles(repoRoot, base);
  const { models, results, outside } = classifyChanges(files);
  const modelPr = models.size > 0 || files.some((f) => f.path.startsWith('models/'));
  const problems: string[] = [];
  if (modelPr) {
    if (results.length > 0)
      problems.push(
        `edits results/ (${list(results)}): results are written by the benchmark workflow, never by hand`,
      );
    if (outside.length > 0)
      problems.push(
        `changes files outside models/<id>/ (${list(outside)}): a model pull request touches only its model's folder`,
      );
  }
  const reports: ModelReport[] = [];
  for (const [id, changed] of [...models].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    reports.push(await checkModel(id, changed, options));
  const ok = problems.length === 0 && reports.every((m) => m.checks.every((c) => c.state !== 'fail'));
  return { base, modelPr, files, models: reports, problems, ok };
}

function list(files: readonly ChangedFile[]): string {
  const shown = files.slice(0, 5).map((f) => f.path);
  return files.length > 5 ? `${shown.join(', ')} and ${files.length - 5} more` : shown.join(', ');
}

async function checkModel(
  id: string,
  files: readonly ChangedFile[],
  options: PrCheckOptions,
): Promise<ModelReport> {
  const { repoRoot } = options;
  const checks: Check[] = [];
  const add = (name: string, state: CheckState, detail: string) => checks.push({ name, state, detail });
  const dir = join(repoRoot, 'models', id);
  const manifestFile = join(dir, 'model.yaml');
  const validId = Slug.safeParse(id).success;
  const present = validId && (await exists(manifestFile));
  const manifestChange = files.find((f) => f.path === `models/${id}/model.yaml`);
  const change =
    manifestChange?.status === 'A'
      ? 'added'
      : !present && manifestChange?.status === 'D'
        ? 'removed'
        : 'changed';

  if (!validId) {
    add('id', 'fail', `folder name "${id}" is not a valid id: 2 to 64 characters of a-z, 0-9 and "-"`);
    return { id, change, files, checks };
  }
  add('id', 'pass', `models/${id}/`);
  if (change === 'removed') {
    add(
      'removal',
      'warn',
      'removes this model: maintainers decide, and remove its results in a separate change',
    );
    return { id, change, files, checks };
  }
  if (!present) {
    add('manifest', 'fail', `models/${id}/model.yaml is missing`);
    return { id, change, files, checks };
  }

  let model: LoadedModel | undefined;
  try {
    model = await loadModelManifest(manifestFile, { repoRoot, checkFiles: true });
    add('manifest', 'pass', `models/${id}/model.yaml is valid`);
  } catch (err) {
    if (!isUserError(err)) throw err;
    add('manifest', 'fail', err.message);
  }

  const text = await readFile(manifestFile, 'utf8');
  const todo = text
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.includes(PLACEHOLDER_MARK) && !line.trimStart().startsWith('#'));
  add(
    'placeholders',
    todo.length === 0 ? 'pass' : 'fail',
    todo.length === 0
      ? 'no TODO left'
      : `TODO placeholder(s) left on line ${todo.map((t) => t.n).join(', ')}: fill them in`,
  );

  if (!model) {
    add('weights', 'skip', 'the manifest does not validate');
    add('licence', 'skip', 'the manifest does not validate');
    add('operators', 'skip', 'the manifest does not validate');
  } else {
    const weightsFile = await checkWeights(model, options, add);
    const licence = model.manifest.license;
    if (licence.startsWith('LicenseRef-'))
      add('licence', 'warn', `${licence}: not an SPDX licence, maintainers must read its terms`);
    else add('licence', 'pass', licence);
    await checkOperators(model, weightsFile, add);
  }

  const readme = join(dir, 'README.md');
  if (!(await exists(readme)))
    add('notes', 'warn', `no models/${id}/README.md: a few lines on the model's source help readers`);
  else {
    const size = (await stat(readme)).size;
    if (size > MAX_NOTES_BYTES)
      add(
        'notes',
        'fail',
        `README.md is ${formatBytes(size)}, over the limit of ${formatBytes(MAX_NOTES_BYTES)}`,
      );
    else add('notes', 'pass', 'README.md present');
  }

  // A vendored model carries its weights' licence beside them.
  const expected = new Set([
    `models/${id}/model.yaml`,
    `models/${id}/README.md`,
    `models/${id}/LICENSE`,
    `models/${id}/NOTICE`,
  ]);
  const local = model?.manifest.weights;
  if (local && 'path' in local) expected.add(`models/${id}/${local.path.replace(/^\.\//, '')}`);
  const unexpected = files.filter((f) => f.status !== 'D' && !expected.has(f.path));
  if (unexpected.length > 0)
    add(
      'files',
      'warn',
      `unexpected file(s) ${list(unexpected)}: a model folder holds model.yaml, README.md, at most its weights and their LICENSE`,
    );
  return { id, change, files, checks };
}

/** Pinning and size; returns the weights file on disk when there is one to inspect. */
async function checkWeights(
  model: LoadedModel,
  options: PrCheckOptions,
  add: (name: string, state: CheckState, detail: string) => void,
): Promise<string | undefined> {
  const w = model.manifest.weights;
  if (w === undefined) {
    add(
      'weights',
      'pass',
      'no weights yet: awaiting export (the export workflow proposes them by pull request)',
    );
    return undefined;
  }
  if ('url' in w) {
    if (w.bytes === undefined) {
      add(
        'weights',
        'fail',
        'declare weights.bytes, the exact size of the file, so that downloads stop at it',
      );
    } else {
      add(
        'weights',
        'pass',
        `pinned by sha256, ${formatBytes(w.bytes)} (limit ${formatBytes(MAX_WEIGHTS_BYTES)})`,
      );
    }
    const cached = blobPath(cacheRoot(options.cacheDir), w.sha256);
    if (await exists(cached)) return cached;
    if (!options.fetch) return undefined;
    try {
      return (await resolveWeights(model, { cacheDir: options.cacheDir })).path;
    } catch (err) {
      if (!isUserError(err)) throw err;
      add('download', 'fail', err.message);
      return undefined;
    }
  }
  // Local weights (demo-style): they live in git, so they must be small and pinned.
  const limit = options.maxLocalWeightsBytes ?? MAX_LOCAL_WEIGHTS_BYTES;
  const real = await resolveRealInside(model.repoRoot, model.dir, w.path).catch(() => undefined);
  const size = real ? (await stat(real)).size : undefined;
  if (w.sha256 === undefined)
    add('weights', 'fail', 'local weights need weights.sha256 so that results can be traced to the file');
  else if (size !== undefined && size > limit)
    add(
      'weights',
      'fail',
      `models/${model.manifest.id}/${w.path} is ${formatBytes(size)}, over the ${formatBytes(limit)} allowed in the repository: host it and give weights.url instead`,
    );
  else
    add(
      'weights',
      'pass',
      `local file pinned by sha256${size === undefined ? '' : `, ${formatBytes(size)}`}`,
    );
  return real;
}

async function checkOperators(
  model: LoadedModel,
  file: string | undefined,
  add: (name: string, state: CheckState, detail: string) => void,
): Promise<void> {
  if (file === undefined) {
    add('operators', 'skip', 'weights not on this machine (pr-check --fetch downloads them)');
    return;
  }
  try {
    const info = inspectModel(await readFile(file), model.path);
    assertStandardOps(info, model.path);
    const opsets = info.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
    add('operators', 'pass', `standard ONNX operators only (opsets: ${opsets})`);
  } catch (err) {
    if (!isUserError(err)) throw err;
    add('operators', 'fail', err.message);
  }
}

const ICON: Record<CheckState, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  warn: '⚠️ warn',
  skip: '➖ skip',
};

/**
 * Text from the pull request, made inert inside a Markdown table cell: Markdown and HTML
 * metacharacters are escaped (no links, images, HTML or code spans can be injected) and line
 * breaks become <br>.
 */
export function mdCell(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '<br>');
}

/** The report as Markdown, for $GITHUB_STEP_SUMMARY and the terminal. */
export function formatReport(report: PrCheckReport): string {
  const lines = ['## Podium pull request checks', ''];
  if (!report.modelPr) {
    lines.push(
      `No files under models/ changed since ${mdCell(report.base)} (${report.files.length} file(s) changed): the model policy does not apply.`,
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push('| Model | Check | Result | Details |', '| --- | --- | --- | --- |');
  for (const m of report.models) {
    for (const c of m.checks)
      lines.push(`| ${mdCell(m.id)} | ${c.name} | ${ICON[c.state]} | ${mdCell(c.detail)} |`);
  }
  lines.push('');
  if (report.problems.length > 0) {
    lines.push('**Problems with the pull request as a whole:**', '');
    for (const p of report.problems) lines.push(`- ❌ ${mdCell(p)}`);
    lines.push('');
  }
  const failed =
    report.models.flatMap((m) => m.checks.filter((c) => c.state === 'fail')).length + report.problems.length;
  lines.push(
    report.ok
      ? `**All checks passed** for ${report.models.length} model(s). A maintainer still reviews the licence, the source of the weights and the notes.`
      : `**${failed} check(s) failed.** Fix them and push again; CONTRIBUTING.md explains each rule.`,
  );
  return `${lines.join('\n')}\n`;
}
