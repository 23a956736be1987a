import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SHA = 'cd'.repeat(32);

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'podium-validate-'));
  const put = async (path: string, text: string) => {
    await mkdir(join(repo, path, '..'), { recursive: true });
    await writeFile(join(repo, path), text);
  };
  const model = (id: string, weights: string) =>
    `id: ${id}\nname: M\nfamily: detr\nweights: ${weights}\ninput: { size: [320, 320] }\nclasses: coco80\nlicense: MIT\n`;
  await put('package.json', '{}');
  await put(
    'models/alpha/model.yaml',
    model('alpha', `{ url: "https://example.org/a.onnx", sha256: ${SHA} }`),
  );
  await put('models/beta/model.yaml', model('beta', '{ url: "http://example.org/b.onnx" }'));
  await put('models/gamma/model.yaml', model('gamma', '{ path: missing.onnx }'));
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

function podium(args: string[]) {
  return execa(process.execPath, [MAIN, 'validate', ...args], {
    cwd: repo,
    reject: false,
    env: { NO_COLOR: '1' },
  });
}

describe('podium validate', () => {
  it('checks every manifest, prints one line per file and exits 2 listing all errors', async () => {
    const { exitCode, stdout, stderr } = await podium([]);
    expect(exitCode).toBe(2);
    expect(stdout).toBe(
      [
        'ok     models/alpha/model.yaml',
        'error  models/beta/model.yaml: 2 problems',
        '  - weights.url: plain http URLs are refused: use https://',
        '  - weights.sha256: required',
        'error  models/gamma/model.yaml: weights.path: "missing.onnx" not found',
      ].join('\n'),
    );
    expect(stderr).toContain('2 of 3 manifests failed validation.');
  });

  it('validates only the given paths (a file or its folder), and --no-files skips reading local files', async () => {
    const ok = await podium(['models/alpha', 'models/gamma/model.yaml', '--no-files']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe(
      ['ok     models/alpha/model.yaml', 'ok     models/gamma/model.yaml', '', 'all 2 manifests valid.'].join(
        '\n',
      ),
    );
  });

  it("accepts the demo's generated files being absent until `podium demo` builds them, and nothing else", async () => {
    for (const [id, extra] of [
      ['delta', 'generatedBy: podium demo\n'],
      ['epsilon', 'generatedBy: make\n'],
      ['zeta', 'generatedBy: podium demo\n'],
    ] as const) {
      await mkdir(join(repo, 'models', id), { recursive: true });
      await writeFile(
        join(repo, 'models', id, 'model.yaml'),
        `id: ${id}\nname: M\nfamily: detr\nweights: { path: model.onnx, sha256: ${SHA} }\n` +
          `input: { size: [320, 320] }\nclasses: coco80\nlicense: MIT\n${extra}`,
      );
    }
    // zeta's file exists but is not what its sha256 says: still an error.
    await writeFile(join(repo, 'models', 'zeta', 'model.onnx'), 'not the pinned bytes');
    const { exitCode, stdout } = await podium(['models/delta', 'models/epsilon', 'models/zeta']);
    expect(exitCode).toBe(2);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('ok     models/delta/model.yaml');
    expect(lines[1]).toMatch(/^error {2}models\/epsilon\/model\.yaml: generatedBy: /);
    expect(lines[2]).toMatch(
      /^error {2}models\/zeta\/model\.yaml: weights\.path: sha256 of .* is [0-9a-f]{64}, but the manifest says/,
    );
  });

  it('reports a path that is not there', async () => {
    const { exitCode, stdout } = await podium(['models/nope/model.yaml']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('error  models/nope/model.yaml: file not found');
  });
});
