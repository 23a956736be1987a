import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** Podium's version from package.json, recorded in every result. */
export async function podiumVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The checkout's commit, or null outside a git checkout (a tarball, a test's temp dir). */
export async function gitSha(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await execa('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000 });
    return /^[0-9a-f]{40}$/.test(stdout.trim()) ? stdout.trim() : null;
  } catch {
    return null;
  }
}
