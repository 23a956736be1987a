/**
 * IEEE 754 half-precision conversion. onnxruntime's JS API passes float16 tensors as Uint16Array
 * holding the raw half-float bits, so models with float16 inputs/outputs need both directions.
 */

/** Float16Array is in Node 24 but not yet in TypeScript's ES2024 lib; typed locally. */
type Float16ArrayCtor = new (
  values: ArrayLike<number> | ArrayBufferLike,
  offset?: number,
  length?: number,
) => {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly length: number;
  [index: number]: number;
};
const NativeF16 = (globalThis as { Float16Array?: Float16ArrayCtor }).Float16Array;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 value → half bits, rounding to nearest even, overflow → ±Infinity, NaN kept. */
export function float32ToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa right, round to nearest even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // Rounding may carry into the exponent, which correctly yields the next binade or Infinity.
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

/** Half bits → number. */
export function halfToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Array of numbers → Uint16Array of half bits (uses the native Float16Array when present). */
export function float32ToFloat16Bits(values: ArrayLike<number>, out?: Uint16Array): Uint16Array {
  const result = out ?? new Uint16Array(values.length);
  if (NativeF16) {
    const view = new NativeF16(result.buffer, result.byteOffset, result.length);
    for (let i = 0; i < values.length; i++) view[i] = values[i]!;
    return result;
  }
  for (let i = 0; i < values.length; i++) result[i] = float32ToHalf(values[i]!);
  return result;
}

/** Uint16Array of half bits → Float32Array. */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  if (NativeF16)
    return Float32Array.from(new NativeF16(bits.buffer, bits.byteOffset, bits.length) as ArrayLike<number>);
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToFloat32(bits[i]!);
  return out;
}
