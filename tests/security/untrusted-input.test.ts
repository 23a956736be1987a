/**
 * Contributor input is untrusted: manifests, model files, notes and folder names all come from
 * pull requests. Each hostile input below must be refused, or made harmless, with a message that
 * names the file and the field. The suite exercises the project's own guards (the manifest
 * loader, the ONNX inspector, the download cache, the notes renderer, pr-check, the results
 * store, new-model) rather than re-implementing them.
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { newModel } from '../../src/cli/commands/new-model.ts';
import { resultPath } from '../../src/lib/board/store.ts';
import { checkCocoShape } from '../../src/lib/dataset/coco-json.ts';
import { downloadToCache } from '../../src/lib/fetch/download.ts';
import { findModel, loadModelManifest } from '../../src/lib/manifest/load.ts';
import { parseSafeYaml } from '../../src/lib/manifest/read-yaml.ts';
import { ModelBuilder } from '../../src/lib/onnx/builder.ts';
import { assertStandardOps, inspectModel } from '../../src/lib/onnx/inspect.ts';
import { checkPullRequest, formatReport } from '../../src/lib/policy/pr-check.ts';
import { UserError } from '../../src/lib/util/errors.ts';
import { sha256Bytes } from '../../src/lib/util/hash.ts';
import { renderNotes } from '../../src/site/notes.ts';

let root: string;

async function put(path: string, content: string | Uint8Array): Promise<string> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

function manifest(overrides: Record<string, unknown>): string {
  return stringify({
    id: 'm1',
    name: 'Model',
    family: 'yolov8',
    weights: { url: 'https://example.com/m.onnx', sha256: 'a'.repeat(64), bytes: 1000 },
    input: { size: [32, 32] },
    classes: ['cat'],
    license: 'MIT',
    ...overrides,
  });
}

function onnx(customDomain?: string): Uint8Array {
  const b = new ModelBuilder()
    .input('images', 'float32', [1, 3, 32, 32])
    .node('Relu', ['images'], ['y'])
    .output('y', 'float32', [1, 3, 32, 32]);
  if (customDomain) b.node('DeformConv2d', ['y'], ['z'], {}, { domain: customDomain, name: 'evil_op' });
  return b.toBytes();
}

/** Loads models/<folder>/model.yaml and returns the error message (the load must fail). */
async function refusal(folder: string, text: string, checkFiles = false): Promise<string> {
  const file = await put(`models/${folder}/model.yaml`, text);
  const err = await loadModelManifest(file, { repoRoot: root, checkFiles }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the manifest was accepted').toBeInstanceOf(UserError);
  return (err as Error).message;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-security-'));
  await writeFile(join(root, 'package.json'), '{}');
});

describe('path traversal', () => {
  it('refuses an id that walks out of models/, wherever an id is used', async () => {
    const message = await refusal('m1', manifest({ id: '../../etc' }));
    expect(message).toMatch(/^models\/m1\/model\.yaml: id: expected a lowercase slug/);
    await expect(findModel('../../etc/passwd', { repoRoot: root })).rejects.toThrow(/not a valid model id/);
    expect(() => resultPath(root, 'coco', '../../../.bashrc')).toThrow(/not a valid model id/);
    await expect(newModel({ family: 'yolov8', weights: undefined, root }, ['../escape'])).rejects.toThrow(
      /"\.\.\/escape" is not a valid model id/,
    );
    expect(await readdir(root)).toEqual(['models', 'package.json']);
  });

  it('refuses local paths that leave the repository, lexically or through a symlink', async () => {
    const message = await refusal('m1', manifest({ weights: { path: '../../../../etc/passwd' } }));
    expect(message).toBe(
      'models/m1/model.yaml: weights.path: "../../../../etc/passwd" points outside the repository',
    );
    expect(await refusal('m1', manifest({ weights: { path: '/etc/passwd' } }))).toMatch(
      /weights\.path: absolute paths are refused/,
    );
    const { symlink } = await import('node:fs/promises');
    await symlink('/etc/hostname', join(root, 'models/m1/link.onnx'));
    expect(await refusal('m1', manifest({ weights: { path: 'link.onnx' } }), true)).toMatch(
      /weights\.path: "link\.onnx" points outside the repository/,
    );
  });

  it('refuses image file names that climb out of the dataset', () => {
    const gt = {
      images: [{ id: 1, file_name: '../../secret.jpg', width: 1, height: 1 }],
      annotations: [],
      categories: [],
    };
    expect(() => checkCocoShape(gt, 'datasets/d1/annotations.json')).toThrow(
      'datasets/d1/annotations.json: images[0].file_name: "../../secret.jpg" contains ".."',
    );
  });
});

describe('weights', () => {
  it('refuses plain http, other schemes and credentials in URLs', async () => {
    expect(
      await refusal(
        'm1',
        manifest({ weights: { url: 'http://example.com/m.onnx', sha256: 'a'.repeat(64) } }),
      ),
    ).toBe('models/m1/model.yaml: weights.url: plain http URLs are refused: use https://');
    expect(
      await refusal('m1', manifest({ weights: { url: 'file:///etc/passwd', sha256: 'a'.repeat(64) } })),
    ).toMatch(/weights\.url: expected an https URL, got the "file:" scheme/);
    expect(
      await refusal(
        'm1',
        manifest({ weights: { url: 'https://user:token@example.com/m.onnx', sha256: 'a'.repeat(64) } }),
      ),
    ).toMatch(/weights\.url: URLs must not contain credentials/);
    // Links shown on the site too.
    expect(await refusal('m1', manifest({ paper: 'javascript:alert(1)' }))).toMatch(
      /paper: expected an https URL/,
    );
  });

  it('refuses remote weights without a sha256', async () => {
    expect(await refusal('m1', manifest({ weights: { url: 'https://example.com/m.onnx' } }))).toMatch(
      /^models\/m1\/model\.yaml: weights\.sha256: required/,
    );
  });

  it('refuses oversized weights: declared, committed, or sent by the server', async () => {
    expect(
      await refusal(
        'm1',
        manifest({
          weights: { url: 'https://example.com/m.onnx', sha256: 'a'.repeat(64), bytes: 3 * 1024 ** 3 },
        }),
      ),
    ).toMatch(
      /weights\.bytes: weights declares 3221225472 bytes, over the limit of 2147483648 bytes \(2 GiB\)/,
    );

    // A committed weights file over the repository limit (pr-check, in a real git repository).
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: root });
    await execa(
      'git',
      ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'base'],
      { cwd: root },
    );
    const big = onnx();
    await put('models/big-model/model.onnx', big);
    await put(
      'models/big-model/model.yaml',
      manifest({ id: 'big-model', weights: { path: 'model.onnx', sha256: sha256Bytes(big) } }),
    );
    await execa('git', ['add', '-A'], { cwd: root });
    await execa('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '-m', 'big'], {
      cwd: root,
    });
    const report = await checkPullRequest({ repoRoot: root, base: 'HEAD~1', maxLocalWeightsBytes: 64 });
    const weights = report.models[0]!.checks.find((c) => c.name === 'weights')!;
    expect(weights.state).toBe('fail');
    expect(weights.detail).toMatch(
      /models\/big-model\/model\.onnx is .* over the 64 B allowed in the repository/,
    );
  });

  describe('a server sending more than declared', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        // No Content-Length: only the streaming limit can stop it.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(64 * 1024, 1));
        res.end(Buffer.alloc(64 * 1024, 2));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.onnx`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('is cut off at the declared size, and nothing is kept', async () => {
      const cacheDir = join(root, 'cache');
      await expect(
        downloadToCache({
          url,
          sha256: 'b'.repeat(64),
          bytes: 1000,
          cacheDir,
          label: 'models/m1/model.yaml: weights',
          retries: 0,
          progress: false,
          network: { allowLoopback: true },
        }),
      ).rejects.toThrow(/^models\/m1\/model\.yaml: weights: .*sent more than the .*download aborted/);
      const left = await readdir(join(cacheDir, 'blobs')).catch(() => []);
      expect(left).toEqual([]);
    });
  });

  it('refuses a model with custom operators, in the inspector and in pr-check', async () => {
    const bytes = onnx('com.example.custom');
    expect(() =>
      assertStandardOps(inspectModel(bytes, 'models/evil/model.onnx'), 'models/evil/model.onnx'),
    ).toThrow(
      /^models\/evil\/model\.onnx: model uses custom operators, which Podium does not run: node 'evil_op' \(DeformConv2d\) in domain 'com\.example\.custom'/,
    );
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: root });
    await execa(
      'git',
      ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'base'],
      { cwd: root },
    );
    await put('models/evil/model.onnx', bytes);
    await put(
      'models/evil/model.yaml',
      manifest({ id: 'evil', weights: { path: 'model.onnx', sha256: sha256Bytes(bytes) } }),
    );
    await execa('git', ['add', '-A'], { cwd: root });
    await execa('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '-m', 'evil'], {
      cwd: root,
    });
    const report = await checkPullRequest({ repoRoot: root, base: 'HEAD~1' });
    expect(report.ok).toBe(false);
    const ops = report.models[0]!.checks.find((c) => c.name === 'operators')!;
    expect(ops).toMatchObject({ state: 'fail' });
    expect(ops.detail).toMatch(/domain 'com\.example\.custom'/);
    expect(formatReport(report)).toMatch(/\| evil \| operators \| ❌ fail \|/);
  });
});

describe('YAML', () => {
  it('refuses tags, anchors and aliases instead of interpreting them', () => {
    expect(() =>
      parseSafeYaml('name: !!js/function "function () { return 1 }"\n', 'models/m1/model.yaml'),
    ).toThrow(/models\/m1\/model\.yaml: line 1, column 7: tags \(!!js\/function\) are not allowed/);
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b]',
    ];
    expect(() => parseSafeYaml(`${laughs.join('\n')}\n`, 'models/m1/model.yaml')).toThrow(
      /anchors \(&a\) are not allowed/,
    );
  });
});

describe('notes (models/<id>/README.md)', () => {
  const hostile = [
    '# Notes',
    '<script>alert(document.cookie)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '[markdown link](javascript:alert(2))',
    '<svg onload=alert(3)><circle/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(4))" onclick="alert(5)">styled</p>',
    '<a href="JaVaScRiPt:alert(6)">mixed case</a>',
    '<a href="&#106;avascript:alert(7)">entity</a>',
    '[safe](https://example.com/paper)',
  ].join('\n\n');

  it('renders through the site sanitiser with no script, handler or javascript: URL left', () => {
    const html = renderNotes(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/alert\(document/);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // onerror, onload, onclick…
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<(img|svg|iframe|style)/i);
    expect(html).not.toMatch(/style=/i);
    // What is legitimate survives: the text, and the https link (marked nofollow).
    expect(html).toContain('styled');
    expect(html).toMatch(
      /<a href="https:\/\/example\.com\/paper" rel="nofollow noopener noreferrer ugc">safe<\/a>/,
    );
  });
});
