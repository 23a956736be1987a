import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { loadDetections, loadGt } from '../../src/lib/eval/read-files.ts';
import { COCO_STAT_NAMES } from '../../src/lib/schema/metrics.ts';

/**
 * The val2017-scale case (5,000 images, 36,797 GT, 500,000 detections) from the shared generator,
 * checked against pycocotools' stats for it. Needs python3 with numpy to generate (about 15-20 s);
 * set PODIUM_SKIP_SCALE=1 to leave it out of a quick local run.
 */
const SHARED = join(import.meta.dirname, '../../../shared/fixtures/coco-scale');

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const enabled = process.env['PODIUM_SKIP_SCALE'] !== '1' && hasNumpy();
const dir = mkdtempSync(join(tmpdir(), 'podium-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!enabled)('parity at COCO val2017 scale', () => {
  it('matches pycocotools to 1e-9 on 500,000 detections', { timeout: 180_000 }, async () => {
    execFileSync('python3', [join(SHARED, 'make_case.py'), 'scale', dir, '2026'], { stdio: 'ignore' });
    const expected = JSON.parse(readFileSync(join(SHARED, 'expected.json'), 'utf8')) as {
      stats: number[];
      sha256: Record<string, string>;
    };
    for (const f of ['gt.json', 'dt.json']) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
        f,
      ).toBe(expected.sha256[f]);
    }
    const gt = await loadGt(join(dir, 'gt.json'));
    const dt = await loadDetections(join(dir, 'dt.json'), gt);
    expect(dt.length).toBe(500_000);
    const { summary } = evaluateCoco(gt, dt);
    COCO_STAT_NAMES.forEach((name, i) => {
      expect(Math.abs(summary.stats[name] - expected.stats[i]!), name).toBeLessThanOrEqual(1e-9);
      expect(summary.stats[name], `${name} bit for bit`).toBe(expected.stats[i]!);
    });
  });
});
