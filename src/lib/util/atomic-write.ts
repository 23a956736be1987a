import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from './pid.ts';

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write a temp file in the same directory, then rename over the target.
 * Temp files of this target that a killed process left behind (its pid is gone) are removed
 * after the write, so an interrupted run leaves nothing once it is run again.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await removeDeadTemps(path);
}

/** JSON with a trailing newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** Removes `.<name>.<pid>.<ms>.tmp` files of `path` whose writer no longer runs. */
async function removeDeadTemps(path: string): Promise<void> {
  const prefix = tempPrefix(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (m && !isProcessAlive(Number(m[1]))) await rm(join(dirname(path), name), { force: true });
  }
}
