import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COCO_STAT_NAMES, MetricsSchema } from '../../src/lib/schema/metrics.ts';
import { makeScaleCase } from '../support/coco-scale-case.ts';
import { writeParityCase } from '../support/parity-cases.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'podium-eval-cli-'));
const CASE = writeParityCase('mixed', join(dir, 'mixed'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function podium(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    cwd: dir,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('podium eval', () => {
  it("prints pycocotools' summary and a per-class table, and writes valid metric JSON", () => {
    const out = join(dir, 'metrics.json');
    const r = podium(
      'eval',
      '--gt',
      join(CASE, 'gt.json'),
      '--dt',
      join(CASE, 'dt.json'),
      '--out',
      out,
      '--resamples',
      '20',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const expected = JSON.parse(readFileSync(join(CASE, 'expected.json'), 'utf8')) as { stats: number[] };
    expect(lines[0]).toBe(
      ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${expected.stats[0]!.toFixed(3)}`,
    );
    expect(lines[6]).toBe(
      ` Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = ${expected.stats[6]!.toFixed(3)}`,
    );
    expect(lines[13]).toMatch(/^\s+id\s+class\s+gt\s+AP\s+AP50/);
    expect(lines.filter((l) => /^\s+\d+\s+class_\d+\s/.test(l))).toHaveLength(10);
    const metrics = MetricsSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    COCO_STAT_NAMES.forEach((name, i) => {
      expect(metrics.coco[name]).toBeCloseTo(expected.stats[i]!, 12);
    });
    expect(metrics.model).toBeNull();
    expect(metrics.uncertainty.resamples).toBe(20);
  });

  it('--stats-only prints the same summary and per-class table, and refuses --out', () => {
    const args = ['eval', '--gt', join(CASE, 'gt.json'), '--dt', join(CASE, 'dt.json')];
    const full = podium(...args, '--resamples', '5');
    const r = podium(...args, '--stats-only');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const table = (text: string) => text.split('\n\n').slice(0, 2).join('\n\n').trimEnd();
    expect(table(r.stdout)).toBe(table(full.stdout));
    expect(table(r.stdout).split('\n').length).toBe(12 + 1 + 1 + 10); // summary, blank, head, classes
    expect(r.stdout).not.toMatch(/bootstrap interval/);
    const refused = podium(...args, '--stats-only', '--out', join(dir, 'never.json'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--stats-only writes no metric JSON/);
    expect(readdirSync(dir)).not.toContain('never.json');
  });

  it('accepts scores outside [0, 1] (logits), as pycocotools does, with the same AP', () => {
    const sub = mkdtempSync(join(dir, 'logits-'));
    const dt = JSON.parse(readFileSync(join(CASE, 'dt.json'), 'utf8')) as { score: number }[];
    for (const d of dt) d.score = 10 * d.score - 3; // monotone: the ranking, hence every AP, is unchanged
    writeFileSync(join(sub, 'dt.json'), JSON.stringify(dt));
    const out = join(sub, 'metrics.json');
    const r = podium(
      'eval',
      '--gt',
      join(CASE, 'gt.json'),
      '--dt',
      join(sub, 'dt.json'),
      '--out',
      out,
      '--resamples',
      '10',
    );
    expect(r.code).toBe(0);
    const metrics = MetricsSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    const expected = JSON.parse(readFileSync(join(CASE, 'expected.json'), 'utf8')) as { stats: number[] };
    expect(metrics.coco.AP).toBeCloseTo(expected.stats[0]!, 12);
    expect(metrics.optimal.confidence).toBeGreaterThan(1);
  });

  const bad: [string, string, RegExp][] = [
    ['malformed JSON', '[{"image_id": 1,', /dt\.json: invalid JSON/],
    ['an empty file', '', /dt\.json: the file is empty/],
    ['not COCO at all', '{"hello": "world"}', /dt\.json: \(root\): expected a COCO results list/],
    [
      'NaN in a box',
      '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, NaN, 4], "score": 0.5}]',
      /NaN is not valid JSON .* line 1/,
    ],
    [
      'an image not in the GT',
      '[{"image_id": 999999, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}]',
      /\[0\]\.image_id: image id 999999 is not in the ground truth/,
    ],
    [
      'an unknown category',
      '[{"image_id": 302, "category_id": 77, "bbox": [1, 2, 3, 4], "score": 0.5}]',
      /\[0\]\.category_id: category id 77/,
    ],
    [
      'a negative size',
      '[{"image_id": 302, "category_id": 1, "bbox": [1, 2, 3, -4], "score": 0.5}]',
      /\[0\]\.bbox\[3\]: negative height/,
    ],
  ];
  for (const [name, text, pattern] of bad) {
    it(`refuses ${name}: exit 2, the file and entry named, nothing written`, () => {
      const sub = mkdtempSync(join(dir, 'bad-'));
      writeFileSync(join(sub, 'dt.json'), text);
      const out = join(sub, 'metrics.json');
      const r = podium('eval', '--gt', join(CASE, 'gt.json'), '--dt', join(sub, 'dt.json'), '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^podium: error: /);
      expect(r.stderr).toMatch(pattern);
      expect(readdirSync(sub)).toEqual(['dt.json']);
    });
  }

  it('refuses a missing flag and an unknown option with exit 2', () => {
    expect(podium('eval', '--gt', join(CASE, 'gt.json')).code).toBe(2);
    expect(podium('eval', '--bogus').code).toBe(2);
    expect(podium('nope').code).toBe(2);
  });

  it('a case large enough for the helper thread, with all analysis and no --out: exit 0', () => {
    const big = join(dir, 'big-full');
    mkdirSync(big, { recursive: true });
    const c = makeScaleCase(8, 1100, 100, 80);
    writeFileSync(join(big, 'gt.json'), c.gtText);
    writeFileSync(join(big, 'dt.json'), c.dtText);
    // Closing the helper once used to let the process end under its awaited exit (code 13).
    for (let run = 0; run < 3; run++) {
      const r = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin/podium.mjs'),
          'eval',
          '--gt',
          join(big, 'gt.json'),
          '--dt',
          join(big, 'dt.json'),
          '--quiet',
        ],
        { encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('stops quietly, exit 0, when its reader has closed the pipe (`| true`)', () => {
    // A case large enough for the helper thread, whose shutdown gives the EPIPE of podium's first
    // write (`true` exits without reading, long before it) the turn of the event loop to surface.
    const big = join(dir, 'big');
    mkdirSync(big);
    const c = makeScaleCase(7, 1100, 100, 80);
    writeFileSync(join(big, 'gt.json'), c.gtText);
    writeFileSync(join(big, 'dt.json'), c.dtText);
    expect(statSync(join(big, 'dt.json')).size + statSync(join(big, 'gt.json')).size).toBeGreaterThan(8e6);
    const script = '{ "$0" "$1" eval --gt "$2" --dt "$3" --stats-only; echo "exit $?" >&2; } | true';
    const r = spawnSync(
      'sh',
      [
        '-c',
        script,
        process.execPath,
        join(ROOT, 'bin/podium.mjs'),
        join(big, 'gt.json'),
        join(big, 'dt.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('exit 0\n');
  });
});
