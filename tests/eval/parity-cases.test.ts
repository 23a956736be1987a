import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectParityCases, REPO_PARITY_DIR, writeParityCase } from '../support/parity-cases.ts';

const tmp = mkdtempSync(join(tmpdir(), 'podium-parity-cases-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parity case list', () => {
  const repo = collectParityCases(REPO_PARITY_DIR);

  it('holds the 18 cases in the repository, each with its provenance', () => {
    expect(repo.length).toBeGreaterThanOrEqual(18);
    expect(repo.every((c) => c.source === 'repo')).toBe(true);
    for (const c of repo)
      expect(readFileSync(join(c.dir, 'provenance.txt'), 'utf8'), c.name).toMatch(
        /^expected\.json: pycocotools COCOeval .*commit 8c9bcc3/,
      );
  });

  it('adds shared cases: a new name runs, the same bytes are one case, other bytes run as shared:<name>', () => {
    const shared = join(tmp, 'shared');
    writeParityCase('mixed', join(shared, 'mixed')); // identical to the repository's, uncompressed
    writeParityCase('crowd', join(shared, 'crowd'));
    writeFileSync(join(shared, 'crowd', 'dt.json'), '[]'); // same name, other content
    writeParityCase('ties', join(shared, 'brand-new'));
    const all = collectParityCases(REPO_PARITY_DIR, shared);
    const extra = all.filter((c) => c.source === 'shared').map((c) => c.name);
    expect(extra.sort()).toEqual(['brand-new', 'shared:crowd']);
    expect(all.length).toBe(repo.length + 2);
  });
});
