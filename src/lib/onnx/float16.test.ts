import { describe, expect, it } from 'vitest';
import { float32ToHalf, halfToFloat32 } from './float16.ts';

describe('float16 conversion', () => {
  it('round-trips every finite half value exactly (software path)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exp = (bits >>> 10) & 0x1f;
      if (exp === 0x1f) continue;
      const back = float32ToHalf(halfToFloat32(bits));
      // -0 and +0 are distinct bit patterns and both must survive.
      expect(back).toBe(bits);
    }
  });

  it('rounds to nearest even, overflows to infinity and keeps NaN', () => {
    expect(float32ToHalf(1 + 2 ** -11)).toBe(0x3c00); // exactly half-way: even (1.0)
    expect(float32ToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // half-way above odd: rounds up to even
    expect(float32ToHalf(65520)).toBe(0x7c00);
    expect(float32ToHalf(-1e9)).toBe(0xfc00);
    expect(float32ToHalf(2 ** -25)).toBe(0); // half of the smallest subnormal: ties to even zero
    expect(float32ToHalf(3 * 2 ** -26)).toBe(1);
    expect(Number.isNaN(halfToFloat32(float32ToHalf(Number.NaN)))).toBe(true);
  });
});
