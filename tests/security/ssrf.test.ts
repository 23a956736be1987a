/**
 * Weights and data on internal addresses (SSRF): a manifest's URL is fetched from inside CI, so
 * it must not reach loopback, private, link-local (cloud metadata) or other internal hosts —
 * not as written (schema), not after DNS resolution, not through a redirect, and not by a name
 * that resolves differently between the check and the connection (DNS rebinding).
 *
 * The local test server binds only to 127.0.0.1; loopback is let through solely by the
 * code-level `allowLoopback` option that tests pass, which nothing in a manifest can set.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { downloadToCache } from '../../src/lib/fetch/download.ts';
import type { NetworkOptions, Resolver } from '../../src/lib/fetch/guarded-request.ts';
import { resolveWeights } from '../../src/lib/fetch/weights.ts';
import { loadDatasetManifest, loadModelManifest } from '../../src/lib/manifest/load.ts';
import { HttpsUrl } from '../../src/lib/schema/common.ts';
import { isUserError } from '../../src/lib/util/errors.ts';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Every spelling an attacker might try for an internal host, as a manifest would write it. */
const INTERNAL_URLS = [
  'https://127.0.0.1/m.onnx',
  'https://127.8.9.10/m.onnx',
  'https://2130706433/m.onnx', // decimal 127.0.0.1
  'https://0177.0.0.1/m.onnx', // octal
  'https://0x7f.1/m.onnx', // hex, short
  'https://127.1/m.onnx', // short
  'https://%31%32%37.0.0.1/m.onnx', // percent-escaped
  'https://localhost/m.onnx',
  'https://LOCALHOST./m.onnx',
  'https://weights.localhost/m.onnx',
  'https://10.1.2.3/m.onnx',
  'https://172.16.0.1/m.onnx',
  'https://172.31.255.254/m.onnx',
  'https://192.168.0.10/m.onnx',
  'https://169.254.169.254/latest/meta-data/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://db.corp.internal/m.onnx',
  'https://printer.local/m.onnx',
  'https://100.64.0.1/m.onnx', // CGNAT
  'https://0.0.0.0/m.onnx',
  'https://0/m.onnx',
  'https://224.0.0.251/m.onnx', // multicast
  'https://240.0.0.1/m.onnx', // reserved
  'https://255.255.255.255/m.onnx',
  'https://[::1]/m.onnx',
  'https://[0:0:0:0:0:0:0:1]/m.onnx',
  'https://[::]/m.onnx',
  'https://[fc00::1]/m.onnx', // ULA
  'https://[fd00:ec2::254]/m.onnx', // AWS IMDS over IPv6
  'https://[fe80::1]/m.onnx', // link-local
  'https://[ff02::1]/m.onnx', // multicast
  'https://[::ffff:127.0.0.1]/m.onnx', // IPv4-mapped
  'https://[::ffff:169.254.169.254]/m.onnx',
  'https://[::ffff:a00:1]/m.onnx', // IPv4-mapped 10.0.0.1, in hex
  'https://intranet/m.onnx', // single label: resolved through the local search domains
];

const PUBLIC_URLS = [
  'https://huggingface.co/org/model/resolve/main/m.onnx',
  'https://github.com/org/repo/releases/download/v1/m.onnx',
  'https://8.8.8.8/m.onnx',
  'https://100.128.0.1/m.onnx', // just past CGNAT
  'https://172.32.0.1/m.onnx', // just past 172.16/12
  'https://[2606:4700:4700::1111]/m.onnx',
  'https://[::ffff:8.8.8.8]/m.onnx',
];

describe('manifest validation', () => {
  it.each(INTERNAL_URLS)('refuses %s', (url) => {
    const result = HttpsUrl.safeParse(url);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^refusing a URL on an internal host \(.+\)/);
  });

  it.each(PUBLIC_URLS)('accepts %s', (url) => {
    expect(HttpsUrl.safeParse(url).success).toBe(true);
  });

  it('names the manifest and the field, for weights and for every dataset URL', async () => {
    const root = await mkdtemp(join(tmpdir(), 'podium-ssrf-'));
    try {
      await writeFile(join(root, 'package.json'), '{}');
      await mkdir(join(root, 'models/m1'), { recursive: true });
      await writeFile(
        join(root, 'models/m1/model.yaml'),
        stringify({
          id: 'm1',
          name: 'Model',
          family: 'yolov8',
          weights: { url: 'https://169.254.169.254/latest/meta-data/', sha256: 'a'.repeat(64) },
          input: { size: [32, 32] },
          classes: ['cat'],
          license: 'MIT',
        }),
      );
      await expect(loadModelManifest(join(root, 'models/m1/model.yaml'), { repoRoot: root })).rejects.toThrow(
        /^models\/m1\/model\.yaml: weights\.url: refusing a URL on an internal host \(169\.254\.169\.254: link-local/,
      );
      await mkdir(join(root, 'datasets/d1'), { recursive: true });
      await writeFile(
        join(root, 'datasets/d1/dataset.yaml'),
        stringify({
          id: 'd1',
          name: 'D',
          task: 'detect',
          split: 'val',
          format: 'coco',
          annotations: { url: 'https://0x7f.1/ann.json', sha256: 'a'.repeat(64) },
          images: { baseUrl: 'https://[::ffff:10.0.0.1]/img/' },
          license: 'CC-BY-4.0',
        }),
      );
      const err = await loadDatasetManifest(join(root, 'datasets/d1/dataset.yaml'), { repoRoot: root }).catch(
        (e: unknown) => e as Error,
      );
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toMatch(
        /annotations\.url: refusing a URL on an internal host \(127\.0\.0\.1/,
      );
      expect((err as Error).message).toMatch(/images\.baseUrl: refusing a URL on an internal host/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** The local server: every request is logged; routes answer with a body or a redirect. */
let server: Server;
let port = 0;
const requests: { url: string; host: string | undefined }[] = [];
const routes = new Map<string, { body?: string; redirect?: (port: number) => string }>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests.push({ url: req.url ?? '', host: req.headers.host });
  const route = routes.get(req.url ?? '');
  if (!route) {
    res.writeHead(404).end();
    return;
  }
  if (route.redirect) {
    res.writeHead(302, { location: route.redirect(port) }).end();
    return;
  }
  res.writeHead(200, { 'content-length': Buffer.byteLength(route.body ?? '') }).end(route.body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

let cacheDir = '';
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'podium-ssrf-cache-'));
  requests.length = 0;
  routes.clear();
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

/** A resolver stub: a fixed table, and a log of every name asked. */
function stubResolver(table: Record<string, string[] | ((call: number) => string[])>) {
  const asked: string[] = [];
  const resolve: Resolver = async (hostname) => {
    asked.push(hostname);
    const entry = table[hostname];
    if (entry === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry(asked.filter((h) => h === hostname).length) : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

async function refusal(url: string, network: NetworkOptions, body = 'weights'): Promise<string> {
  const err = await downloadToCache({
    url,
    sha256: sha(body),
    cacheDir,
    network,
    retries: 0,
    label: 'models/m1/model.yaml: weights',
  }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err, `${url} was downloaded`).toBeDefined();
  expect(isUserError(err)).toBe(true);
  return err!.message;
}

describe('download time: after DNS resolution', () => {
  it('refuses a public-looking name that resolves to an internal address, before connecting', async () => {
    for (const address of ['10.0.0.5', '169.254.169.254', '::1', 'fd00::1', '::ffff:192.168.1.1']) {
      const { resolve, asked } = stubResolver({ 'weights.example.com': [address] });
      const message = await refusal('https://weights.example.com/m.onnx', { resolve });
      expect(message).toContain(
        `models/m1/model.yaml: weights: refusing to download https://weights.example.com/m.onnx: weights.example.com resolves to ${address}, a `,
      );
      expect(asked).toEqual(['weights.example.com']);
    }
    expect(requests).toEqual([]);
  });

  it('refuses when any one of several addresses is internal', async () => {
    const { resolve } = stubResolver({ 'cdn.example.com': ['93.184.215.14', '127.0.0.1'] });
    expect(await refusal('https://cdn.example.com/m.onnx', { resolve })).toMatch(
      /resolves to 127\.0\.0\.1, a loopback/,
    );
  });

  it('without the test permission, even the local server is out of reach', async () => {
    routes.set('/m.onnx', { body: 'weights' });
    expect(await refusal(`https://127.0.0.1:${port}/m.onnx`, {})).toMatch(/127\.0\.0\.1 is an internal host/);
    const { resolve } = stubResolver({ 'local.example.com': ['127.0.0.1'] });
    expect(await refusal(`https://local.example.com:${port}/m.onnx`, { resolve })).toMatch(
      /resolves to 127\.0\.0\.1, a loopback address/,
    );
    expect(requests).toEqual([]);
  });

  it('the code path from a manifest (resolveWeights) never allows loopback', async () => {
    routes.set('/m.onnx', { body: 'weights' });
    // Built by hand, past the schema, as if validation had been skipped: download time still refuses.
    const model = {
      kind: 'model',
      manifest: {
        id: 'm1',
        weights: { url: `https://127.0.0.1:${port}/m.onnx`, sha256: sha('weights') },
      },
      path: 'models/m1/model.yaml',
      dir: cacheDir,
      repoRoot: cacheDir,
    } as unknown as Parameters<typeof resolveWeights>[0];
    await expect(resolveWeights(model, { cacheDir })).rejects.toThrow(
      /^models\/m1\/model\.yaml: weights: refusing to download https:\/\/127\.0\.0\.1:\d+\/m\.onnx: 127\.0\.0\.1 is an internal host/,
    );
    expect(requests).toEqual([]);
  });
});

describe('download time: redirects', () => {
  const network = (table: Parameters<typeof stubResolver>[0] = {}) => ({
    allowLoopback: true,
    ...stubResolver(table),
  });

  it('follows a redirect to an allowed host, checking every hop', async () => {
    routes.set('/start', { redirect: (p) => `http://files.test:${p}/hop` });
    routes.set('/hop', { redirect: () => '/m.onnx' });
    routes.set('/m.onnx', { body: 'weights' });
    const net = network({ 'files.test': ['127.0.0.1'] });
    const path = await downloadToCache({
      url: `http://127.0.0.1:${port}/start`,
      sha256: sha('weights'),
      cacheDir,
      network: net,
    });
    expect(path).toBe(join(cacheDir, 'blobs', sha('weights')));
    expect(requests.map((r) => r.url)).toEqual(['/start', '/hop', '/m.onnx']);
    expect(net.asked).toEqual(['files.test', 'files.test']);
  });

  it.each([
    [
      'cloud metadata',
      'http://169.254.169.254/latest/meta-data/',
      /169\.254\.169\.254 is an internal host \(link-local/,
    ],
    [
      'an internal name',
      'https://metadata.google.internal/computeMetadata/v1/',
      /metadata\.google\.internal is an internal host/,
    ],
    ['an odd IPv4 spelling', 'https://0x0a.1/', /10\.0\.0\.1 is an internal host \(private/],
    [
      'a name resolving inside',
      'https://rebound.example.com/m.onnx',
      /rebound\.example\.com resolves to 192\.168\.1\.1, a private/,
    ],
    ['plain http to a public host', 'http://example.org/m.onnx', /only https URLs are allowed/],
    ['another scheme', 'file:///etc/passwd', /only https URLs are allowed/],
  ])('refuses a redirect to %s', async (_what, location, why) => {
    routes.set('/start', { redirect: () => location });
    const net = network({ 'rebound.example.com': ['192.168.1.1'], 'example.org': ['93.184.215.14'] });
    const message = await refusal(`http://127.0.0.1:${port}/start`, net);
    expect(message).toMatch(why);
    expect(message).toContain(`(redirected from http://127.0.0.1:${port}/start)`);
    expect(requests.map((r) => r.url)).toEqual(['/start']);
    expect(await readdir(join(cacheDir, 'blobs')).catch(() => [])).toEqual([]);
  });

  it('gives up after a limited number of redirects', async () => {
    routes.set('/loop', { redirect: () => '/loop' });
    const message = await refusal(`http://127.0.0.1:${port}/loop`, { allowLoopback: true, maxRedirects: 3 });
    expect(message).toMatch(/more than 3 redirects/);
    expect(requests).toHaveLength(4);
  });
});

describe('download time: DNS rebinding', () => {
  it('connects to the address that was checked, not to whatever the name resolves to next', async () => {
    routes.set('/m.onnx', { body: 'weights' });
    // First answer: the (allowed, in this test) loopback server; every later one: an internal host.
    const { resolve, asked } = stubResolver({
      'rebind.test': (n) => (n === 1 ? ['127.0.0.1'] : ['10.0.0.1']),
    });
    const path = await downloadToCache({
      url: `http://rebind.test:${port}/m.onnx`,
      sha256: sha('weights'),
      cacheDir,
      network: { allowLoopback: true, resolve },
    });
    expect(path).toBe(join(cacheDir, 'blobs', sha('weights')));
    // Resolved once, and the connection (which would otherwise look the name up again, and fail:
    // rebind.test does not exist) went to the checked address, with the name in the Host header.
    expect(asked).toEqual(['rebind.test']);
    expect(requests).toEqual([{ url: '/m.onnx', host: `rebind.test:${port}` }]);
  });
});
