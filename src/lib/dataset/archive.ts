import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { UserError } from '../util/errors.ts';

export interface ExtractOptions {
  /** Stop when the extracted bytes pass this (a zip bomb guard). Default 64 GiB. */
  readonly maxBytes?: number;
  /** Stop past this many entries. Default 2 million. */
  readonly maxEntries?: number;
  /** Names the archive in messages. */
  readonly label?: string;
  /** Only entries whose (safe, normalised) name passes are written; the others are read past. */
  readonly select?: (name: string) => boolean;
}

/**
 * Extracts a zip archive into `<cacheDir>/extracted/<sha256>/` once and returns that folder.
 * Entry names are untrusted: absolute names, `..` segments and NUL bytes are refused (the "zip
 * slip"), everything is written as a plain file (no symlinks), and sizes are capped. Extraction
 * goes to a temporary folder renamed into place, so a folder under extracted/ is always complete.
 * Streams the archive (fflate's Unzip), so memory does not grow with its size.
 */
export async function extractZipOnce(
  zipPath: string,
  sha256: string,
  cacheDir: string,
  options: ExtractOptions = {},
): Promise<string> {
  const target = join(cacheDir, 'extracted', sha256);
  if (await isDir(target)) return target;
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await extractZip(zipPath, tmp, options);
    try {
      await rename(tmp, target);
    } catch (err) {
      // Another process finished first; its copy is as good as ours.
      if (!(await isDir(target))) throw err;
      await rm(tmp, { recursive: true, force: true });
    }
    return target;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Extracts one file of a zip archive into `<cacheDir>/members/<sha256>/<member>` once and returns
 * its path: COCO's annotations archive holds 1.6 GB of JSON of which a benchmark needs 25 MB.
 * Written beside its final place and renamed, so a file there is always complete.
 */
export async function extractMemberOnce(
  zipPath: string,
  sha256: string,
  member: string,
  cacheDir: string,
  options: Omit<ExtractOptions, 'select'> = {},
): Promise<string> {
  const label = options.label ?? zipPath;
  const wanted = safeEntryName(member);
  if (typeof wanted !== 'string' || wanted !== member)
    throw new UserError(`"${member}" is not a plain path inside an archive`, { file: label });
  const target = join(cacheDir, 'members', sha256, ...member.split('/'));
  if (await isFile(target)) return target;
  const tmp = join(cacheDir, 'members', `${sha256}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    await extractZip(zipPath, tmp, { ...options, select: (name) => name === member });
    const out = join(tmp, ...member.split('/'));
    if (!(await isFile(out))) throw new UserError(`the archive has no member "${member}"`, { file: label });
    await mkdir(dirname(target), { recursive: true });
    await rename(out, target);
    return target;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Streams `zipPath` into `dest` (which must exist). */
export async function extractZip(zipPath: string, dest: string, options: ExtractOptions = {}): Promise<void> {
  const label = options.label ?? zipPath;
  const maxBytes = options.maxBytes ?? 64 * 1024 ** 3;
  const maxEntries = options.maxEntries ?? 2_000_000;
  let failure: Error | undefined;
  let written = 0;
  let entries = 0;
  const seen = new Set<string>();
  // Closed as each entry ends; whatever is still open when extraction fails is closed at the end.
  const open = new Set<number>();

  const unzip = new Unzip((file) => {
    if (failure) return;
    const name = safeEntryName(file.name);
    if (name === null) return; // a folder entry or macOS metadata
    if (typeof name !== 'string') {
      failure = new UserError(`refusing archive entry "${file.name}": ${name.problem}`, { file: label });
      return;
    }
    if (++entries > maxEntries) {
      failure = new UserError(`more than ${maxEntries} entries`, { file: label });
      return;
    }
    if (seen.has(name)) {
      failure = new UserError(`duplicate entry "${name}"`, { file: label });
      return;
    }
    seen.add(name);
    if (options.select && !options.select(name)) {
      // Inflated and dropped: fflate's streaming reader keeps the chunks of an entry that is never
      // started, so skipping without starting would hold the whole archive in memory.
      file.ondata = (err, chunk) => {
        if (failure) return;
        if (err) {
          failure = new UserError(`corrupt entry "${name}": ${err.message}`, { file: label });
          return;
        }
        written += chunk.byteLength;
        if (written > maxBytes)
          failure = new UserError(`extracts to more than ${maxBytes} bytes; refusing`, { file: label });
      };
      try {
        file.start();
      } catch (err) {
        failure = new UserError(`entry "${name}" uses an unsupported compression (${file.compression})`, {
          file: label,
          cause: err,
        });
      }
      return;
    }
    const out = join(dest, ...name.split('/'));
    mkdirSync(dirname(out), { recursive: true });
    const fd = openSync(out, 'wx');
    open.add(fd);
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new UserError(`corrupt entry "${name}": ${err.message}`, { file: label });
      } else {
        written += chunk.byteLength;
        if (written > maxBytes) {
          failure = new UserError(`extracts to more than ${maxBytes} bytes; refusing`, { file: label });
        } else {
          writeSync(fd, chunk);
        }
      }
      if ((final || failure) && open.delete(fd)) closeSync(fd);
    };
    try {
      file.start();
    } catch (err) {
      if (open.delete(fd)) closeSync(fd);
      failure = new UserError(`entry "${name}" uses an unsupported compression (${file.compression})`, {
        file: label,
        cause: err,
      });
    }
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);

  try {
    for await (const chunk of createReadStream(zipPath)) {
      unzip.push(chunk as Buffer, false);
      if (failure) break;
    }
    if (!failure) unzip.push(new Uint8Array(0), true);
  } catch (err) {
    if (!failure)
      failure = new UserError(`not a readable zip archive (${(err as Error).message})`, {
        file: label,
        cause: err,
      });
  }
  for (const fd of open) closeSync(fd);
  if (failure) throw failure;
  if (entries === 0) throw new UserError('the archive holds no files', { file: label });
}

/** The entry's safe relative name, null to skip it, or the reason it is refused. */
function safeEntryName(raw: string): string | null | { problem: string } {
  // Some Windows tools write backslashes despite the zip spec.
  const name = raw.replaceAll('\\', '/');
  if (name.endsWith('/')) return null;
  if (name.startsWith('__MACOSX/') || posix.basename(name) === '.DS_Store') return null;
  if (name.includes('\0')) return { problem: 'NUL byte in the name' };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return { problem: 'absolute path' };
  if (name.split('/').some((part) => part === '..')) return { problem: '".." in the path' };
  const normal = posix.normalize(name);
  return normal === '.' || normal === '' ? null : normal;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
