import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './pid.ts';

/**
 * A lock file shared by processes on one machine (two `podium run` on the same cache): created
 * exclusively (O_EXCL), holding its owner's pid. A lock whose owner died (SIGKILL leaves it
 * behind) is taken over; one whose owner lives is waited for. A lock written from another host
 * is never judged stale (its pid means nothing here), so a cache on a shared drive waits instead.
 */
export interface LockOptions {
  /** How often to look again while another process holds the lock (ms). Default 100. */
  readonly pollMs?: number;
  /** Told once when the lock is held by another live process. */
  readonly onWait?: (holder: string) => void;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** Runs `fn` while holding the lock at `path`; the lock is released however `fn` ends. */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await fn();
  } finally {
    await release(path, token);
  }
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const token = randomBytes(8).toString('hex');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), token } satisfies Holder);
  let told = false;
  for (;;) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      return token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = await readFile(path, 'utf8').catch(() => undefined);
    if (seen === undefined) continue; // released meanwhile: try again at once
    if (await isStale(path, seen)) {
      await breakLock(path, seen);
      continue;
    }
    if (!told) {
      options.onWait?.(describeHolder(seen));
      told = true;
    }
    await sleep(options.pollMs ?? 100);
  }
}

async function isStale(path: string, content: string): Promise<boolean> {
  const holder = parseHolder(content);
  if (holder) return holder.host === hostname() && !isProcessAlive(holder.pid);
  // Empty or torn: its owner was killed between creating and writing it, or is writing it now.
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > 5000;
}

/**
 * Moves a stale lock aside atomically (rename), so two processes breaking it at once cannot both
 * win; if what was moved turns out to be a fresh lock someone took meanwhile, it is put back.
 */
async function breakLock(path: string, staleContent: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleContent);
  if (moved !== staleContent) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

async function release(path: string, token: string): Promise<void> {
  const content = await readFile(path, 'utf8').catch(() => undefined);
  if (content !== undefined && parseHolder(content)?.token === token) await rm(path, { force: true });
}

function parseHolder(content: string): Holder | undefined {
  try {
    const v = JSON.parse(content) as Partial<Holder>;
    return typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string'
      ? (v as Holder)
      : undefined;
  } catch {
    return undefined;
  }
}

function describeHolder(content: string): string {
  const h = parseHolder(content);
  return h ? `process ${h.pid} on ${h.host}` : 'another process';
}
