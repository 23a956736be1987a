import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Path containment for untrusted relative paths (manifest fields, data.yaml entries, file names
 * inside annotations or archives). Lexical checks catch `..` and absolute paths; the real-path
 * check also catches a symlink in the repository that points outside it.
 */

/** True when `inner` is `outer` or lies below it (both absolute). */
export function isInside(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Resolves `rel` against `base`, or undefined when the result leaves `root`, or `rel` is absolute. */
export function resolveInside(root: string, base: string, rel: string): string | undefined {
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.includes('\\') || rel.includes('\0')) return undefined;
  const abs = resolve(base, rel);
  return isInside(resolve(root), abs) ? abs : undefined;
}

/**
 * Like resolveInside, then follows symlinks: undefined when the real file lies outside the real
 * root. Throws the fs error (ENOENT…) when the path does not exist.
 */
export async function resolveRealInside(
  root: string,
  base: string,
  rel: string,
): Promise<string | undefined> {
  const abs = resolveInside(root, base, rel);
  if (abs === undefined) return undefined;
  const [realRoot, realAbs] = await Promise.all([realpath(root), realpath(abs)]);
  return isInside(realRoot, realAbs) ? realAbs : undefined;
}

/** Repository-relative path with forward slashes, for messages and provenance. */
export function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}
