import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../util/errors.ts';
import { cacheRoot } from './cache.ts';
import { downloadToCache, fetchUrlToCache } from './download.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The test server is on 127.0.0.1, which only this code-level permission lets through. */
const network = { allowLoopback: true } as const;

/** What the test server does for one path. */
interface Route {
  body: Buffer;
  /**
   * Stall after this many bytes, for the first `cutTimes` requests: the connection stays open
   * with nothing more coming, so the client's idle timeout interrupts the transfer.
   */
  cutAfter?: number;
  cutTimes?: number;
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  /** Omit Content-Length (chunked transfer), so only the streaming limit can stop it. */
  chunked?: boolean;
  status?: number;
}

let server: Server;
let base: string;
const routes = new Map<string, Route>();
const log: { path: string; range: string | undefined }[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  log.push({ path, range: req.headers.range });
  const route = routes.get(path);
  if (!route || route.status) {
    res.writeHead(route?.status ?? 404).end('no');
    return;
  }
  let body = route.body;
  let status = 200;
  const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m && !route.ignoreRange) {
    const start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    body = body.subarray(start);
    status = 206;
  }
  if (!route.chunked) headers['content-length'] = body.length;
  res.writeHead(status, headers);
  if (route.cutAfter !== undefined && (route.cutTimes ?? 1) > 0) {
    route.cutTimes = (route.cutTimes ?? 1) - 1;
    // Stall rather than close: a close right after the prefix can reach the client's stream
    // before it has read the bytes (an errored stream drops its queue), leaving nothing to
    // resume from. A stall lets it read everything sent, then time out (idleTimeoutMs below).
    res.write(body.subarray(0, route.cutAfter));
    return;
  }
  res.end(body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'podium-fetch-'));
  routes.clear();
  log.length = 0;
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const blobs = async () => readdir(join(cacheDir, 'blobs')).catch(() => [] as string[]);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('downloadToCache', () => {
  it('downloads into blobs/<sha256>, verified, and serves later calls from the cache', async () => {
    const body = randomBytes(100_000);
    routes.set('/w.onnx', { body });
    const path = await downloadToCache({
      url: `${base}/w.onnx`,
      sha256: sha(body),
      bytes: body.length,
      cacheDir,
      network,
    });
    expect(path).toBe(join(cacheDir, 'blobs', sha(body)));
    expect(sha(await readFile(path))).toBe(sha(body));
    await downloadToCache({ url: `${base}/w.onnx`, sha256: sha(body), cacheDir, network });
    expect(log).toHaveLength(1);
    expect(await blobs()).toEqual([sha(body)]);
  });

  it('resumes an interrupted transfer with an HTTP Range request', async () => {
    const body = randomBytes(300_000);
    routes.set('/big', { body, cutAfter: 120_000 });
    const path = await downloadToCache({
      url: `${base}/big`,
      sha256: sha(body),
      cacheDir,
      retries: 2,
      idleTimeoutMs: 300,
      network,
    });
    expect(sha(await readFile(path))).toBe(sha(body));
    expect(log).toHaveLength(2);
    expect(log[0]!.range).toBeUndefined();
    // The second request asks only for what is missing; how much arrived before the cut depends
    // on socket buffering, but it is a strict, non-empty prefix.
    const start = Number(/^bytes=(\d+)-$/.exec(log[1]!.range ?? '')?.[1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(body.length);
  });

  it('keeps the .partial file when attempts run out, and the next run resumes from it', async () => {
    const body = randomBytes(200_000);
    routes.set('/big', { body, cutAfter: 80_000 });
    const opts = { url: `${base}/big`, sha256: sha(body), cacheDir, retries: 0, idleTimeoutMs: 300, network };
    const err = await rejection(downloadToCache(opts));
    expect(isUserError(err)).toBe(true);
    expect(err.message).toMatch(/failed after 1 attempts .* run again to resume/);
    const partial = join(cacheDir, 'blobs', `${sha(body)}.partial`);
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(body.length);

    const path = await downloadToCache(opts);
    expect(sha(await readFile(path))).toBe(sha(body));
    expect(log[1]!.range).toBe(`bytes=${kept}-`);
    expect(existsSync(partial)).toBe(false);
  });

  it('starts over when the server ignores the Range header', async () => {
    const body = randomBytes(150_000);
    routes.set('/f', { body, cutAfter: 50_000, ignoreRange: true });
    const path = await downloadToCache({
      url: `${base}/f`,
      sha256: sha(body),
      cacheDir,
      idleTimeoutMs: 300,
      network,
    });
    expect(sha(await readFile(path))).toBe(sha(body));
  });

  it('verifies a partial file that is already complete (416 on resume)', async () => {
    const body = randomBytes(10_000);
    routes.set('/f', { body });
    await mkdir(join(cacheDir, 'blobs'), { recursive: true });
    await writeFile(join(cacheDir, 'blobs', `${sha(body)}.partial`), body);
    const path = await downloadToCache({ url: `${base}/f`, sha256: sha(body), cacheDir, network });
    expect(sha(await readFile(path))).toBe(sha(body));
    expect(log[0]!.range).toBe(`bytes=${body.length}-`);
  });

  it('rejects a sha256 mismatch and keeps nothing', async () => {
    const body = randomBytes(50_000);
    routes.set('/w', { body });
    const wrong = sha(Buffer.from('something else'));
    const err = await rejection(
      downloadToCache({
        url: `${base}/w`,
        sha256: wrong,
        cacheDir,
        label: 'models/x/model.yaml: weights',
        network,
      }),
    );
    expect(isUserError(err)).toBe(true);
    expect(err.message).toBe(
      `models/x/model.yaml: weights: sha256 mismatch: expected ${wrong}, got ${sha(body)}; nothing kept`,
    );
    expect(await blobs()).toEqual([]);
  });

  it('stops as soon as the bytes exceed the declared size, even without Content-Length', async () => {
    const body = randomBytes(400_000);
    routes.set('/chunked', { body, chunked: true });
    const err = await rejection(
      downloadToCache({ url: `${base}/chunked`, sha256: sha(body), bytes: 1000, cacheDir, network }),
    );
    expect(err.message).toMatch(/sent more than the declared size of 1000 bytes; download aborted/);
    expect(await blobs()).toEqual([]);
  });

  it('refuses up front when Content-Length exceeds the limit', async () => {
    const body = randomBytes(5000);
    routes.set('/w', { body });
    const err = await rejection(
      downloadToCache({ url: `${base}/w`, sha256: sha(body), maxBytes: 4096, cacheDir, network }),
    );
    expect(err.message).toMatch(/is 4\.9 KiB, more than the limit of 4 KiB/);
    expect(await blobs()).toEqual([]);
  });

  it('reports an HTTP error without retrying', async () => {
    const err = await rejection(
      downloadToCache({ url: `${base}/missing`, sha256: 'a'.repeat(64), cacheDir, network }),
    );
    expect(err.message).toMatch(/HTTP 404/);
    expect(log).toHaveLength(1);
  });

  it('retries server errors', async () => {
    const body = randomBytes(1000);
    routes.set('/flaky', { body, status: 503 });
    const pending = downloadToCache({
      url: `${base}/flaky`,
      sha256: sha(body),
      cacheDir,
      retries: 3,
      network,
    });
    setTimeout(() => routes.set('/flaky', { body }), 100);
    expect(sha(await readFile(await pending))).toBe(sha(body));
    expect(log.length).toBeGreaterThan(1);
  });

  it('refuses plain http, and loopback unless a test allows it in code', async () => {
    const http = await rejection(
      downloadToCache({
        url: 'http://example.com/w',
        sha256: 'a'.repeat(64),
        cacheDir,
        network: { ...network, resolve: async () => [{ address: '93.184.215.14', family: 4 }] },
      }),
    );
    expect(http.message).toBe('refusing to download http://example.com/w: only https URLs are allowed');
    routes.set('/w', { body: Buffer.from('x') });
    const loopback = await rejection(
      downloadToCache({ url: `${base}/w`, sha256: sha(Buffer.from('x')), cacheDir }),
    );
    expect(loopback.message).toBe(`refusing to download ${base}/w: only https URLs are allowed`);
    expect(log).toHaveLength(0);
  });
});

describe('fetchUrlToCache', () => {
  it('caches an unpinned file by URL', async () => {
    const body = randomBytes(2000);
    routes.set('/img/a.jpg', { body });
    const first = await fetchUrlToCache(`${base}/img/a.jpg`, { cacheDir, network });
    const second = await fetchUrlToCache(`${base}/img/a.jpg`, { cacheDir, network });
    expect(first).toBe(second);
    expect(first.startsWith(join(cacheDir, 'urls'))).toBe(true);
    expect(sha(await readFile(first))).toBe(sha(body));
    expect(log).toHaveLength(1);
  });
});

describe('cacheRoot', () => {
  it('prefers the option, then PODIUM_CACHE_DIR, then .podium/cache', () => {
    const saved = process.env['PODIUM_CACHE_DIR'];
    try {
      process.env['PODIUM_CACHE_DIR'] = '/tmp/podium-env-cache';
      expect(cacheRoot('/x/y')).toBe('/x/y');
      expect(cacheRoot()).toBe('/tmp/podium-env-cache');
      delete process.env['PODIUM_CACHE_DIR'];
      expect(cacheRoot()).toBe(join(process.cwd(), '.podium', 'cache'));
    } finally {
      if (saved === undefined) delete process.env['PODIUM_CACHE_DIR'];
      else process.env['PODIUM_CACHE_DIR'] = saved;
    }
  });
});
