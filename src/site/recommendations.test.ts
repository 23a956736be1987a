import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../tests/support/site-fixtures.ts';
import type { Metrics } from '../lib/schema/metrics.ts';
import { RULES, recommend, T } from './recommendations.ts';

/** A copy of a fake model's metrics that triggers no rule, to switch rules on one at a time. */
function quiet(): Metrics {
  const m = structuredClone(boardMetrics(3)) as Metrics;
  m.optimal = { confidence: 0.4, precision: 0.7, recall: 0.65, f1: 0.67 };
  m.coco = { ...m.coco, AP: 0.5, AP50: 0.7, APs: 0.4, APl: 0.6 };
  m.errors = {
    cls: { count: 10, dAP50: 0.05 },
    loc: { count: 10, dAP50: 0.05 },
    both: { count: 1, dAP50: 0.01 },
    dupe: { count: 1, dAP50: 0.005 },
    bkg: { count: 10, dAP50: 0.05 },
    miss: { count: 10, dAP50: 0.05 },
  };
  m.perClass = m.perClass.map((c) => ({ ...c, gt: Math.max(c.gt, 50), AP: 0.5, confused: [] }));
  m.uncertainty.AP = { mean: 0.5, lo: 0.495, hi: 0.505, std: 0.003 };
  if (m.run) m.run = { ...m.run, limit: null, failedImages: [] };
  return m;
}

const fired = (m: Metrics, defaults?: { conf?: number }) =>
  recommend({ metrics: m, defaults }).map((r) => r.id);

describe('recommendations', () => {
  it('stays silent on unremarkable numbers', () => {
    expect(fired(quiet())).toEqual([]);
  });

  it('every rule has an id, a title and a stated condition', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.when.length).toBeGreaterThan(20);
  });

  it('high precision and low recall → lower the threshold', () => {
    const m = quiet();
    m.optimal = { confidence: 0.6, precision: 0.9, recall: 0.5, f1: 0.64 };
    const [rec] = recommend({ metrics: m });
    expect(rec!.id).toBe('high-precision-low-recall');
    expect(rec!.finding).toContain('90.0');
    expect(rec!.finding).toContain('50.0');
    expect(rec!.advice).toMatch(/lower confidence threshold/);
  });

  it('low precision and high recall → raise the threshold', () => {
    const m = quiet();
    m.optimal = { confidence: 0.1, precision: 0.4, recall: 0.8, f1: 0.53 };
    expect(fired(m)).toEqual(['low-precision-high-recall']);
  });

  it('AP far below AP50 → loose boxes, not at the threshold itself', () => {
    const m = quiet();
    m.coco.AP = 0.3;
    m.coco.AP50 = 0.6;
    expect(fired(m)).toContain('loose-boxes');
    m.coco.AP = T.looseBoxRatio * 0.6;
    expect(fired(m)).not.toContain('loose-boxes');
  });

  it('background errors dominating → many background false positives', () => {
    const m = quiet();
    m.errors.bkg = { count: 5000, dAP50: 0.2 };
    const rec = recommend({ metrics: m }).find((r) => r.id === 'background-false-positives');
    expect(rec?.finding).toContain('5,000');
  });

  it('classes with too few ground truth are listed by name', () => {
    const m = quiet();
    m.perClass[2] = { ...m.perClass[2]!, gt: 3 };
    const rec = recommend({ metrics: m }).find((r) => r.id === 'few-ground-truth');
    expect(rec?.finding).toBe(`${m.perClass[2]!.name} (3).`);
    expect(rec?.severity).toBe('warn');
  });

  it('small objects far below large → small-object advice', () => {
    const m = quiet();
    m.coco.APs = 0.1;
    m.coco.APl = 0.6;
    expect(fired(m)).toEqual(['small-objects']);
    m.coco.APs = -1;
    expect(fired(m)).toEqual([]);
  });

  it('confused classes, weak classes, duplicates and wide intervals', () => {
    const m = quiet();
    const [a, b] = m.perClass;
    m.perClass[0] = { ...a!, gt: 100, confused: [{ id: b!.id, count: 20 }] };
    m.perClass[1] = { ...b!, AP: 0.1 };
    m.errors.dupe = { count: 300, dAP50: 0.03 };
    m.uncertainty.AP = { mean: 0.5, lo: 0.47, hi: 0.53, std: 0.015 };
    const ids = fired(m);
    expect(ids).toEqual(
      expect.arrayContaining(['confused-classes', 'weak-classes', 'duplicates', 'wide-interval']),
    );
    const confused = recommend({ metrics: m }).find((r) => r.id === 'confused-classes')!;
    expect(confused.finding).toContain(`${a!.name} → ${b!.name} (20%)`);
  });

  it("compares the authors' default confidence with the F1-optimal one", () => {
    const m = quiet();
    m.optimal.confidence = 0.2;
    expect(fired(m, { conf: 0.25 })).toEqual([]);
    const rec = recommend({ metrics: m, defaults: { conf: 0.5 } })[0]!;
    expect(rec.id).toBe('threshold-above-optimal');
    const at = m.curves.confidence.find((p) => Math.abs(p.conf - 0.5) < 1e-9)!;
    expect(rec.finding).toContain(`F1 is ${(at.f1 * 100).toFixed(1)}`);
  });

  it('warns about limited or failing runs', () => {
    const m = quiet();
    m.run = { ...m.run!, limit: 50 };
    expect(fired(m)).toEqual(['partial-run']);
  });
});
