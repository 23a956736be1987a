import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { loadDetections, loadGt } from '../../src/lib/eval/read-files.ts';
import { COCO_STAT_NAMES } from '../../src/lib/schema/metrics.ts';
import type { ScaleCase } from '../support/coco-scale-case.ts';
import { makeSharedScaleCase } from '../support/shared-scale-case.ts';

/**
 * The val2017-scale case (5,000 images, 36,797 GT, 500,000 detections) of the shared generator,
 * generated in TypeScript (tests/support/shared-scale-case.ts, numpy's RandomState ported), checked
 * byte for byte against the sha256 of the files numpy writes, then against pycocotools' 12 stats
 * bit for bit. Set PODIUM_SKIP_SCALE=1 to leave it out of a quick local run.
 */
const expected = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/coco-scale/expected.json'), 'utf8'),
) as { stats: number[]; sha256: Record<'gt.json' | 'dt.json', string> };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const enabled = process.env['PODIUM_SKIP_SCALE'] !== '1';
if (!enabled) console.log('skipped: val2017-scale parity, because PODIUM_SKIP_SCALE=1');

describe.skipIf(!enabled)('parity at COCO val2017 scale', () => {
  let scale: ScaleCase;
  beforeAll(() => {
    scale = makeSharedScaleCase(2026);
  }, 60_000);

  it('generates the same bytes as the shared Python generator', () => {
    expect(sha256(scale.gtText), 'gt.json').toBe(expected.sha256['gt.json']);
    expect(sha256(scale.dtText), 'dt.json').toBe(expected.sha256['dt.json']);
    expect([scale.images, scale.annotations, scale.detections]).toEqual([5000, 36_797, 500_000]);
  });

  it('matches pycocotools bit for bit on 500,000 detections', { timeout: 180_000 }, async () => {
    // through the files, as podium eval reads them
    const dir = mkdtempSync(join(tmpdir(), 'podium-scale-'));
    writeFileSync(join(dir, 'gt.json'), scale.gtText);
    writeFileSync(join(dir, 'dt.json'), scale.dtText);
    const gt = await loadGt(join(dir, 'gt.json'));
    const dt = await loadDetections(join(dir, 'dt.json'), gt);
    rmSync(dir, { recursive: true, force: true });
    expect(dt.length).toBe(500_000);
    const { summary } = evaluateCoco(gt, dt);
    COCO_STAT_NAMES.forEach((name, i) => {
      expect(summary.stats[name], `${name} bit for bit`).toBe(expected.stats[i]!);
    });
  });
});

/**
 * Optional: the Python generator itself ($PODIUM_SCALE_GENERATOR, which .ci/run points at
 * the shared coco-scale make_case.py when it exists), run with python3 and numpy, must
 * still write what the committed sha256 says, so the port and its source cannot drift apart.
 */
const SCRIPT = process.env['PODIUM_SCALE_GENERATOR'];
function pythonMissing(): string | undefined {
  if (!enabled) return 'PODIUM_SKIP_SCALE unset';
  if (!SCRIPT) return '$PODIUM_SCALE_GENERATOR (the shared make_case.py)';
  if (!existsSync(SCRIPT)) return `${SCRIPT}, which does not exist`;
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return 'python3 with numpy';
  }
  return undefined;
}
const missing = pythonMissing();
if (missing) console.log(`skipped: the Python scale generator cross-check needs ${missing}`);

describe.skipIf(missing !== undefined)('the shared Python scale generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podium-scale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('still writes the committed sha256', { timeout: 120_000 }, () => {
    execFileSync('python3', [SCRIPT!, 'scale', dir, '2026'], { stdio: 'ignore' });
    for (const f of ['gt.json', 'dt.json'] as const)
      expect(sha256(readFileSync(join(dir, f), 'utf8')), f).toBe(expected.sha256[f]);
  });
});
