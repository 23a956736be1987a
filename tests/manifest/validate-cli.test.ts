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

  it('reports a path that is not there', async () => {
    const { exitCode, stdout } = await podium(['models/nope/model.yaml']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('error  models/nope/model.yaml: file not found');
  });
});
