import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../tests/support/site-fixtures.ts';
import { summarise } from './summary.ts';

describe('summary', () => {
  it('carries reported scores in percent, as the metric JSON holds them', () => {
    const m = boardMetrics(2);
    const s = summarise({ ...m, reported: { AP: 37.3, AP50: 52.8, source: null } }, 'x.json', 'f'.repeat(64));
    expect(s.reported).toEqual({ AP: 37.3, AP50: 52.8, source: null });
  });

  it('keeps what the board needs and drops the heavy parts', () => {
    const m = boardMetrics(2);
    const s = summarise(m, 'results/fake-coco/x.json', 'f'.repeat(64));
    expect(s.coco).toEqual(m.coco);
    expect(s.apLo).toBe(m.uncertainty.AP.lo);
    expect(s.speed.p50Ms).toBe(m.speed.inferenceMs.p50);
    expect(s.perClass).toHaveLength(m.perClass.length);
    expect(s.runs).toBe(m.history.length + 1);
    expect(JSON.stringify(s).length).toBeLessThan(JSON.stringify(m).length / 5);
  });
});
