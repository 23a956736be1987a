import { describe, expect, it } from 'vitest';
import { DASH, gflops, isoDate, metricOrNull, ms, params, pct, signedPoints } from './format.ts';

describe('format', () => {
  it('shows metrics as percentages and pycocotools -1 as a dash', () => {
    expect(pct(0.4567)).toBe('45.7');
    expect(pct(1)).toBe('100.0');
    expect(pct(-1)).toBe(DASH);
    expect(pct(null)).toBe(DASH);
    expect(metricOrNull(-1)).toBeNull();
    expect(metricOrNull(0)).toBe(0);
  });

  it('scales milliseconds precision with magnitude', () => {
    expect(ms(0.4213)).toBe('0.42');
    expect(ms(12.345)).toBe('12.3');
    expect(ms(240.4)).toBe('240');
  });

  it('formats parameter counts from tiny demo models to large detectors', () => {
    expect(params(24)).toBe('24');
    expect(params(870_000)).toBe('870K');
    expect(params(3_151_904)).toBe('3.15M');
    expect(params(65_500_000)).toBe('65.5M');
    expect(params(26_000_000)).toBe('26.0M');
    expect(params(100_000_000)).toBe('100M');
    expect(params(1_200_000_000)).toBe('1.20B');
    expect(params(null)).toBe(DASH);
  });

  it('signs differences with a real minus sign', () => {
    expect(signedPoints(1.25)).toBe('+1.3');
    expect(signedPoints(-0.4)).toBe('−0.4');
    expect(signedPoints(0)).toBe('0.0');
  });

  it('formats dates in UTC and GFLOPs compactly', () => {
    expect(isoDate('2026-01-05T23:30:00-05:00')).toBe('2026-01-06');
    expect(isoDate('not a date')).toBe(DASH);
    expect(gflops(8.74)).toBe('8.7');
    expect(gflops(257.8)).toBe('258');
  });
});
