import { describe, expect, it } from 'vitest';
import { pyFloat, pyRound, RandomState } from '../support/numpy-random.ts';

// Reference values printed by numpy 2.4 (np.random.RandomState(2026)) and CPython 3.
describe('numpy RandomState port', () => {
  it('draws what numpy draws for seed 2026', () => {
    const rs = new RandomState(2026);
    expect(rs.random()).toBe(0.21934563492692294);
    expect(Array.from({ length: 5 }, () => rs.randint(200, 1000))).toEqual([994, 277, 533, 741, 828]);
  });
});

describe("Python's float repr and round()", () => {
  it('writes floats as json.dump does', () => {
    const values = [
      1.0, 0.1, 1e-5, 5e-5, 1.5e-5, 0.0001, 123.45, -0.0, 0.0, 1e16, 0.30000000000000004, 100.0,
    ];
    expect(values.map(pyFloat).join(', ')).toBe(
      '1.0, 0.1, 1e-05, 5e-05, 1.5e-05, 0.0001, 123.45, -0.0, 0.0, 1e+16, 0.30000000000000004, 100.0',
    );
  });
  it('rounds the exact binary value, ties to even', () => {
    expect([0.125, -0.125, 0.375, -0.001, 2.675, 1.005].map((v) => pyRound(v, 2))).toEqual([
      0.12, -0.12, 0.38, -0, 2.67, 1.0,
    ]);
    expect(Object.is(pyRound(-0.001, 2), -0)).toBe(true);
  });
});
