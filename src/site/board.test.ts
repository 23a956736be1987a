import { describe, expect, it } from 'vitest';
import { info, summaryWith } from '../../tests/support/site-fixtures.ts';
import { buildBoard, GAP_FLAG_POINTS, gapIsFlagged, UNKNOWN_FAMILY } from './board.ts';

const href = (m: string) => `/model/d/${m}/`;

describe('buildBoard', () => {
  it('ranks by AP, leaves hidden models out and links rows', () => {
    const results = [
      summaryWith('b', { AP: 0.3 }),
      summaryWith('a', { AP: 0.5 }),
      summaryWith('h', { AP: 0.9 }),
    ];
    const models = new Map([
      ['a', info('a')],
      ['b', info('b')],
      ['h', info('h', { hidden: true })],
    ]);
    const rows = buildBoard(results, models, href);
    expect(rows.map((r) => [r.rank, r.key])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(rows[0]!.href).toBe('/model/d/a/');
    expect(rows[0]!.AP).toBe(0.5);
  });

  it('marks ties where bootstrap intervals overlap a neighbour', () => {
    const rows = buildBoard(
      [
        summaryWith('a', { AP: 0.5, lo: 0.49, hi: 0.51 }),
        summaryWith('b', { AP: 0.495, lo: 0.485, hi: 0.505 }),
        summaryWith('c', { AP: 0.4, lo: 0.39, hi: 0.41 }),
      ],
      new Map(),
      href,
    );
    expect(rows.map((r) => [r.key, r.tie])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
  });

  it('computes the gap to the reported AP in points and flags gaps over one point', () => {
    const rows = buildBoard(
      [
        summaryWith('a', { AP: 0.373, reported: 37.0 }),
        summaryWith('b', { AP: 0.35, reported: 37.3 }),
        summaryWith('c', { AP: 0.3 }),
      ],
      new Map(),
      href,
    );
    const by = new Map(rows.map((r) => [r.key, r]));
    expect(by.get('a')!.gap).toBeCloseTo(0.3, 5);
    expect(gapIsFlagged(by.get('a')!.gap)).toBe(false);
    expect(by.get('b')!.gap).toBeCloseTo(-2.3, 5);
    expect(gapIsFlagged(by.get('b')!.gap)).toBe(true);
    expect(by.get('c')!.gap).toBeNull();
    expect(GAP_FLAG_POINTS).toBe(1);
  });

  it('computes the latency Pareto front per device', () => {
    const rows = buildBoard(
      [
        summaryWith('cpu-fast', { AP: 0.3, latency: 5, device: 'cpu' }),
        summaryWith('cpu-slow-better', { AP: 0.4, latency: 50, device: 'cpu' }),
        summaryWith('cpu-dominated', { AP: 0.29, latency: 60, device: 'cpu' }),
        summaryWith('gpu-slowest', { AP: 0.2, latency: 100, device: 'gpu' }),
      ],
      new Map(),
      href,
    );
    const front = rows
      .filter((r) => r.front)
      .map((r) => r.key)
      .sort();
    expect(front).toEqual(['cpu-fast', 'cpu-slow-better', 'gpu-slowest']);
  });

  it('shows results without a manifest under their id, with an unknown family', () => {
    const [row] = buildBoard([summaryWith('orphan', { AP: 0.2 })], new Map(), href);
    expect(row!.name).toBe('orphan');
    expect(row!.family).toBe(UNKNOWN_FAMILY);
    expect(row!.frontParams).toBe(false);
  });
});
