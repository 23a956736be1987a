/**
 * numpy's legacy `np.random.RandomState` (MT19937 with an integer seed), as far as the shared
 * fixture generator uses it, drawing the same numbers in the same order: random_sample, uniform,
 * normal (the cached polar gauss), randint (masked rejection), choice, permutation, poisson
 * (multiplication below 10, PTRS from 10) and beta (Marsaglia-Tsang gamma on the same gauss).
 * It lets the val2017-scale case be generated without Python; tests/eval/scale-parity.test.ts
 * checks the bytes against the sha256 of the files numpy writes.
 */

const N = 624;
const M = 397;

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /** numpy's `_legacy_seeding` for an int in [0, 2^32): mt19937_seed (Knuth's init_genrand). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed ${seed}`);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.mt[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  private generate(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
      mt[k] = (mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.pos = 0;
  }

  uint32(): number {
    if (this.pos === N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random_sample / rand(): 53 random bits in [0, 1). */
  random(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** legacy_gauss: the polar method, keeping the second value for the next call. */
  private gaussian(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.random() - 1.0;
      x2 = 2.0 * this.random() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  normal(loc: number, scale: number): number {
    return loc + scale * this.gaussian();
  }

  /** A value in [0, max] by masked rejection (random_interval; also randint's legacy path). */
  private interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError('ranges over 2^32 are not ported');
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.uint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** randint(low, high): an integer in [low, high). */
  randint(low: number, high: number): number {
    if (high <= low) throw new RangeError(`randint(${low}, ${high})`);
    return low + this.interval(high - 1 - low);
  }

  /** choice(a) with replacement: one element. */
  choice<T>(a: readonly T[]): T {
    return a[this.randint(0, a.length)]!;
  }

  /** permutation(n): arange(n) shuffled by Fisher-Yates from the end, as legacy shuffle does. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** choice(n, size, replace=False): the first `size` of permutation(n). */
  choiceWithoutReplacement(n: number, size: number): Int32Array {
    return this.permutation(n).subarray(0, size);
  }

  poisson(lam: number): number {
    if (lam >= 10) return this.poissonPtrs(lam);
    if (lam === 0) return 0;
    const enlam = Math.exp(-lam);
    let x = 0;
    let prod = 1.0;
    for (;;) {
      prod *= this.random();
      if (prod > enlam) x += 1;
      else return x;
    }
  }

  /** Hörmann's PTRS (transformed rejection with squeeze), numpy's constants. */
  private poissonPtrs(lam: number): number {
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.random() - 0.5;
      const V = this.random();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1))
        return k;
    }
  }

  /** legacy_standard_gamma for shape > 1 (Marsaglia and Tsang), on the cached gauss. */
  private standardGamma(shape: number): number {
    if (shape <= 1) throw new RangeError('gamma shapes up to 1 are not ported');
    const b = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * b);
    for (;;) {
      let X: number;
      let V: number;
      do {
        X = this.gaussian();
        V = 1.0 + c * X;
      } while (V <= 0.0);
      V = V * V * V;
      const U = this.random();
      if (U < 1.0 - 0.0331 * (X * X) * (X * X)) return b * V;
      if (Math.log(U) < 0.5 * X * X + b * (1 - V + Math.log(V))) return b * V;
    }
  }

  /** legacy_beta when a or b exceeds 1 (the ratio of two gammas). */
  beta(a: number, b: number): number {
    if (a <= 1 && b <= 1) throw new RangeError("Johnk's algorithm (a, b <= 1) is not ported");
    const ga = this.standardGamma(a);
    const gb = this.standardGamma(b);
    return ga / (ga + gb);
  }
}

const LOGGAM_COEFFS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
  8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2,
  1.796443723688307e-1, -1.3924322169059,
];

/** numpy's random_loggam (Stirling series with a shift below 7). */
function loggam(x: number): number {
  if (x === 1.0 || x === 2.0) return 0.0;
  const n = x < 7.0 ? Math.trunc(7 - x) : 0;
  let x0 = x + n;
  const x2 = (1.0 / x0) * (1.0 / x0);
  const lg2pi = 1.8378770664093453;
  let gl0 = LOGGAM_COEFFS[9]!;
  for (let k = 8; k >= 0; k--) {
    gl0 *= x2;
    gl0 += LOGGAM_COEFFS[k]!;
  }
  let gl = gl0 / x0 + 0.5 * lg2pi + (x0 - 0.5) * Math.log(x0) - x0;
  if (x < 7.0) {
    for (let k = 1; k <= n; k++) {
      gl -= Math.log(x0 - 1.0);
      x0 -= 1.0;
    }
  }
  return gl;
}

/** Python's round(x, digits) for a float: the exact binary value, rounded half to even. */
export function pyRound(x: number, digits: number): number {
  // An exact tie (x·10^d a half-integer) needs x = odd / 2^(d+1); toFixed would round it away from 0.
  const j = Math.abs(x) * 2 ** (digits + 1);
  if (Number.isInteger(j) && j % 2 === 1 && j * 5 ** digits < 2 ** 53) {
    const lo = (j * 5 ** digits - 1) / 2;
    const r = Number(`${lo % 2 === 0 ? lo : lo + 1}e-${digits}`);
    return x < 0 ? -r : r;
  }
  if (Object.is(x, -0)) return -0;
  return Number(x.toFixed(digits)); // toFixed rounds the exact value; "-0.00" reads back as -0
}

/** Python's repr of a float (as json.dump writes it): shortest digits, Python's exponent rules. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not valid JSON`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length > exp + 1) body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    else body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${body}` : body;
}
