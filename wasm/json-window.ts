// The JSON lanes' shared reading (results-scan.ts, annotations-scan.ts): a window of the file at
// IN, followed by a 0 byte (no JSON token contains one, so nothing is ever read past the window),
// and numbers by Clinger's fast path only: an integer of at most 19 digits below 2^53, times or
// over an exact power of ten within 10^±22, where one IEEE multiply or divide rounds correctly.

// Below IN: static data (the powers of ten, the keys).
export const IN: i32 = 1 << 16;
export const WINDOW: i32 = 1 << 20;

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const TWO53: u64 = 1 << 53;

// Where the number read last ended, or -1 if it was not one the fast path takes.
let at: i32 = 0;

/** Where the number read last ended, or -1. */
@inline
export function numberEnd(): i32 {
  return at;
}

@inline
export function byte(p: i32): i32 {
  return load<u8>(IN + p);
}

@inline
export function isWs(c: i32): bool {
  // Space, LF, CR, tab as bits 32, 10, 13, 9.
  return <u32>c <= 32 && ((<u64>0x100002600 >> <u64>c) & 1) != 0;
}

@inline
export function skipWs(p: i32): i32 {
  while (isWs(byte(p))) p++;
  return p;
}

@inline
export function isDigit(c: i32): bool {
  return <u32>(c - 48) < 10;
}

/**
 * The JSON number at p (numberEnd() past it), or numberEnd() = -1 where the fast path does not take it:
 * more than 19 digits in all (the integer m could overflow), m >= 2^53, or |exponent| > 22.
 */
@inline
export function number(p: i32): f64 {
  let c = byte(p);
  const negative = c == 45;
  if (negative) c = byte(++p);
  let m: u64 = 0;
  let e10 = 0;
  const first = p;
  if (c == 48) {
    c = byte(++p);
  } else if (isDigit(c)) {
    do {
      m = m * 10 + <u64>(c - 48);
      c = byte(++p);
    } while (isDigit(c));
  } else {
    at = -1;
    return 0;
  }
  // A leading zero is followed by no digit.
  let digits = p - first;
  if (isDigit(c)) {
    at = -1;
    return 0;
  }
  if (c == 46) {
    c = byte(++p);
    const f0 = p;
    while (isDigit(c)) {
      m = m * 10 + <u64>(c - 48);
      c = byte(++p);
    }
    if (p == f0) {
      at = -1;
      return 0;
    }
    e10 = f0 - p;
    digits += p - f0;
  }
  if (c == 101 || c == 69) {
    c = byte(++p);
    let expNegative = false;
    if (c == 43 || c == 45) {
      expNegative = c == 45;
      c = byte(++p);
    }
    if (!isDigit(c)) {
      at = -1;
      return 0;
    }
    let ev = 0;
    do {
      if (ev < 1000000) ev = ev * 10 + (c - 48);
      c = byte(++p);
    } while (isDigit(c));
    e10 += expNegative ? -ev : ev;
  }
  if (digits > 19 || m >= TWO53 || e10 < -22 || e10 > 22) {
    at = -1;
    return 0;
  }
  at = p;
  const v = e10 >= 0 ? <f64>m * unchecked(POW10[e10]) : <f64>m / unchecked(POW10[-e10]);
  return negative ? -v : v;
}

/**
 * Past the JSON number at p, any JSON number (for values only checked, not kept), or -1 at
 * anything else.
 */
@inline
export function skipNumber(p: i32): i32 {
  let c = byte(p);
  if (c == 45) c = byte(++p);
  if (c == 48) c = byte(++p);
  else if (isDigit(c)) {
    do c = byte(++p);
    while (isDigit(c));
  } else return -1;
  if (c == 46) {
    c = byte(++p);
    if (!isDigit(c)) return -1;
    do c = byte(++p);
    while (isDigit(c));
  }
  if (c == 101 || c == 69) {
    c = byte(++p);
    if (c == 43 || c == 45) c = byte(++p);
    if (!isDigit(c)) return -1;
    do c = byte(++p);
    while (isDigit(c));
  }
  return p;
}

/**
 * A bbox `[x, y, w, h]` at p (whitespace allowed) into the float64 slots at `out`, `stride` bytes
 * apart: past its ']', or -1 at anything else.
 */
@inline
export function readBox(p: i32, out: i32, stride: i32): i32 {
  if (byte(p) != 91) return -1;
  for (let i = 0; i < 4; i++) {
    p = skipWs(p + 1);
    const v = number(p);
    const at = numberEnd();
    if (at < 0) return -1;
    store<f64>(out + i * stride, v);
    p = skipWs(at);
    if (byte(p) != (i < 3 ? 44 : 93)) return -1;
  }
  return p + 1;
}

/** After an entry's '}' at p - 1: the next entry's start (past the comma), or -1 at anything else. */
@inline
export function nextEntry(p: i32): i32 {
  p = skipWs(p);
  if (byte(p) != 44) return -1;
  return skipWs(p + 1);
}
