import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatBytes } from '../schema/common.ts';
import type { FieldProblem } from '../schema/format-error.ts';
import { sha256File } from '../util/hash.ts';
import { displayPath, resolveRealInside } from '../util/paths.ts';
import type { LocalReference, ManifestLocation } from './policy.ts';

/**
 * Checks that read the disk: each local file exists where the manifest says, stays inside the
 * repository even through symlinks, is under its size limit, and matches its sha256 when one is
 * given. Remote files are not touched (fetching verifies them).
 */
export async function localFileProblems(
  refs: readonly LocalReference[],
  loc: ManifestLocation,
  options: { absentIsFine?: boolean } = {},
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const ref of refs) {
    const problem = await checkOne(ref, loc, options.absentIsFine === true);
    if (problem) problems.push({ path: ref.field, message: problem });
  }
  return problems;
}

async function checkOne(
  ref: LocalReference,
  loc: ManifestLocation,
  absentIsFine: boolean,
): Promise<string | undefined> {
  let real: string | undefined;
  try {
    real = await resolveRealInside(loc.repoRoot, dirname(loc.file), ref.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && absentIsFine) return undefined;
    return code === 'ENOENT' ? `"${ref.path}" not found` : `"${ref.path}" cannot be read (${code})`;
  }
  if (real === undefined) return `"${ref.path}" points outside the repository`;
  const info = await stat(real);
  if (ref.directory && !info.isDirectory()) return `"${ref.path}" is not a folder`;
  if (!ref.directory && !info.isFile()) return `"${ref.path}" is not a file`;
  if (ref.maxBytes !== undefined && info.size > ref.maxBytes) {
    return `"${ref.path}" is ${formatBytes(info.size)}, over the limit of ${formatBytes(ref.maxBytes)}`;
  }
  if (ref.sha256 !== undefined) {
    const actual = await sha256File(real);
    if (actual !== ref.sha256) {
      return `sha256 of ${displayPath(loc.repoRoot, real)} is ${actual}, but the manifest says ${ref.sha256}`;
    }
  }
  return undefined;
}
