/**
 * A strict JSON byte scanner for the fast readers (read-results.ts, read-gt.ts): it walks UTF-8
 * bytes without building strings or objects, and gives up (throws FALLBACK) at anything it does
 * not handle or that is not valid JSON, so that the caller reruns the plain JSON.parse path, whose
 * result, or error message, is then the answer. It never accepts what JSON.parse rejects.
 *
 * Numbers come out as the exact doubles JSON.parse gives: when the significant digits form an
 * integer m below 2^53 and the decimal exponent e is within ±22, m and 10^|e| are both exact
 * doubles and one IEEE multiply or divide rounds m·10^e correctly (Clinger's fast path); every
 * other number is converted by Number() on its token, the same correctly rounded conversion
 * JSON.parse uses.
 */

/** Thrown when the fast path gives up; never escapes the readers. */
export const FALLBACK: unique symbol = Symbol('json-scan fallback');

const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const TWO53 = 2 ** 53;

// Bytes, by name.
const B_Tab = 9;
const B_Lf = 10;
const B_Cr = 13;
const B_Space = 32;
export const B_Quote = 34;
const B_Plus = 43;
export const B_Comma = 44;
export const B_Minus = 45;
const B_Dot = 46;
export const B_Zero = 48;
export const B_Nine = 57;
export const B_Colon = 58;
const B_E = 69;
const B_OpenBracket = 91;
const B_Backslash = 92;
const B_CloseBracket = 93;
const B_LowerE = 101;
const B_OpenBrace = 123;
const B_CloseBrace = 125;

/** JSON whitespace (space, tab, LF, CR); undefined (past the end) is not. */
export function isWs(c: number | undefined): boolean {
  return c === B_Space || c === B_Lf || c === B_Cr || c === B_Tab;
}

function giveUp(): never {
  throw FALLBACK;
}

/** Escape letters JSON allows after a backslash ("\/bfnrtu), by byte. */
const ESCAPE = new Uint8Array(128);
for (const ch of '"\\/bfnrtu') ESCAPE[ch.charCodeAt(0)] = 1;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export class JsonScanner {
  readonly buf: Buffer;
  pos = 0;
  /** Set by string(): whether the last string had a backslash escape or a non-ASCII byte. */
  plain = true;
  /** Set by string(): the offset of the last string's closing quote. */
  strEnd = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Skips JSON whitespace (space, tab, LF, CR only) and returns the next byte (-1 at the end). */
  ws(): number {
    const b = this.buf;
    let p = this.pos;
    let c = p < b.length ? b[p]! : -1;
    while (c === B_Space || c === B_Lf || c === B_Cr || c === B_Tab) c = ++p < b.length ? b[p]! : -1;
    this.pos = p;
    return c;
  }

  /** Expects byte c after optional whitespace. */
  expect(c: number): void {
    if (this.ws() !== c) giveUp();
    this.pos++;
  }

  atEnd(): boolean {
    return this.ws() === -1;
  }

  /**
   * Scans a string starting at its opening quote; returns the offset just after the opening quote
   * (the content is [start, strEnd)). Validates escapes and refuses raw control characters;
   * bytes >= 0x80 are taken as they come (Buffer's UTF-8 decoding never swallows an ASCII byte).
   */
  string(): number {
    const b = this.buf;
    let p = this.pos;
    if (b[p] !== B_Quote) giveUp();
    const start = ++p;
    let plain = true;
    for (;;) {
      if (p >= b.length) giveUp();
      const c = b[p]!;
      if (c === B_Quote) break;
      if (c === B_Backslash) {
        plain = false;
        const e = b[p + 1]!;
        if (e >= 128 || ESCAPE[e] === 0) giveUp();
        if (e === 117) {
          if (!(isHex(b[p + 2]!) && isHex(b[p + 3]!) && isHex(b[p + 4]!) && isHex(b[p + 5]!))) giveUp();
          p += 6;
        } else p += 2;
        continue;
      }
      if (c < 0x20) giveUp();
      if (c >= 0x80) plain = false;
      p++;
    }
    this.pos = p + 1;
    this.strEnd = p;
    this.plain = plain;
    return start;
  }

  /** The decoded value of the last string scanned, which string() returned `start` for. */
  stringValue(start: number): string {
    const end = this.strEnd;
    if (this.plain) return this.buf.toString('latin1', start, end);
    return JSON.parse(this.buf.toString('utf8', start - 1, end + 1)) as string;
  }

  /** Whether the string string() just scanned (from `start`) equals `key` (ASCII), escapes decoded. */
  is(start: number, key: Uint8Array): boolean {
    if (!this.plain) return this.stringValue(start) === latin1(key);
    const n = key.length;
    if (this.strEnd - start !== n) return false;
    const b = this.buf;
    for (let i = 0; i < n; i++) if (b[start + i] !== key[i]) return false;
    return true;
  }

  /**
   * Scans a JSON number (the byte at pos must start one) and returns JSON.parse's double for it.
   * Reads past the end yield undefined, which ends the digit loops like any non-digit (inside a
   * container a number is always followed by something; the caller rejects what follows).
   */
  number(): number {
    const b = this.buf;
    const start = this.pos;
    let p = start;
    let c = b[p]!;
    const negative = c === B_Minus;
    if (negative) c = b[++p]!;
    let m = 0;
    let digits = 0; // significant digits so far
    let e10 = 0;
    if (c === B_Zero) {
      c = b[++p]!;
      if (c >= B_Zero && c <= B_Nine) giveUp(); // leading zero
    } else if (c > B_Zero && c <= B_Nine) {
      do {
        m = m * 10 + (c - B_Zero);
        digits++;
        c = b[++p]!;
      } while (c >= B_Zero && c <= B_Nine);
    } else giveUp();
    if (c === B_Dot) {
      c = b[++p]!;
      if (!(c >= B_Zero && c <= B_Nine)) giveUp();
      const f0 = p;
      do {
        m = m * 10 + (c - B_Zero);
        c = b[++p]!;
      } while (c >= B_Zero && c <= B_Nine);
      e10 = f0 - p;
      // Leading zeros of a fraction (0.00…) are not significant digits.
      if (digits === 0) {
        let z = f0;
        while (b[z] === B_Zero) z++;
        digits = p - z;
      } else digits += p - f0;
    }
    if (c === B_LowerE || c === B_E) {
      c = b[++p]!;
      let expNegative = false;
      if (c === B_Plus || c === B_Minus) {
        expNegative = c === B_Minus;
        c = b[++p]!;
      }
      if (!(c >= B_Zero && c <= B_Nine)) giveUp();
      let ev = 0;
      do {
        if (ev < 1e6) ev = ev * 10 + (c - B_Zero);
        c = b[++p]!;
      } while (c >= B_Zero && c <= B_Nine);
      e10 += expNegative ? -ev : ev;
    }
    this.pos = p;
    let v: number;
    if (m === 0) v = 0;
    else if ((digits <= 15 || (digits === 16 && m < TWO53)) && e10 >= -22 && e10 <= 22) {
      v = e10 >= 0 ? m * POW10[e10]! : m / POW10[-e10]!;
    } else return Number(b.toString('latin1', start, p));
    return negative ? -v : v;
  }

  /** Expects a number after optional whitespace. */
  numberValue(): number {
    const c = this.ws();
    if (c !== B_Minus && !(c >= B_Zero && c <= B_Nine)) giveUp();
    return this.number();
  }

  /** true, false or null at pos: returns 1, 0 or -1. */
  literal(): number {
    const b = this.buf;
    const p = this.pos;
    const c = b[p];
    if (c === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) {
      this.pos = p + 4;
      return 1;
    }
    if (c === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) {
      this.pos = p + 5;
      return 0;
    }
    if (c === 110 && b[p + 1] === 117 && b[p + 2] === 108 && b[p + 3] === 108) {
      this.pos = p + 4;
      return -1;
    }
    return giveUp();
  }

  /** Reads `"key" :` after optional whitespace; returns the key's start (see string()). */
  key(): number {
    if (this.ws() !== B_Quote) giveUp();
    const start = this.string();
    this.expect(B_Colon);
    return start;
  }

  /**
   * Reads `"key" :` and returns the key's index in `keys`, or -1 for another key. A key spelled
   * plainly is matched in place, with no scan of its own; an escaped one is decoded first.
   */
  keyIn(keys: KeySet): number {
    if (this.ws() !== B_Quote) giveUp();
    const b = this.buf;
    const at = this.pos + 1;
    const candidates = keys.byFirst[b[at]! & 127];
    if (candidates !== undefined) {
      for (const i of candidates) {
        const k = keys.bytes[i]!;
        const n = k.length;
        let j = 0;
        while (j < n && b[at + j] === k[j]) j++;
        if (j === n && b[at + n] === B_Quote) {
          this.pos = at + n + 1;
          this.expect(B_Colon);
          return i;
        }
      }
    }
    const start = this.string();
    this.expect(B_Colon);
    return this.plain ? -1 : keys.names.indexOf(this.stringValue(start));
  }

  /**
   * After a member or element: true if another follows (a comma was consumed), false when the
   * container closes with `close` (consumed).
   */
  more(close: number): boolean {
    const c = this.ws();
    this.pos++;
    if (c === B_Comma) return true;
    if (c !== close) giveUp();
    return false;
  }

  /** Opens an object or array; returns false (consumed the close) when it is empty. */
  open(openByte: number, close: number): boolean {
    this.expect(openByte);
    if (this.ws() === close) {
      this.pos++;
      return false;
    }
    return true;
  }

  /** Skips any JSON value after optional whitespace, validating it; iterative, so depth is free. */
  skip(): void {
    const stack: number[] = [];
    for (;;) {
      const c = this.ws();
      if (c === B_OpenBrace || c === B_OpenBracket) {
        const close = c === B_OpenBrace ? B_CloseBrace : B_CloseBracket;
        this.pos++;
        if (this.ws() === close) this.pos++;
        else {
          stack.push(close);
          if (close === B_CloseBrace) this.key();
          continue;
        }
      } else if (c === B_Quote) this.string();
      else if (c === B_Minus || (c >= B_Zero && c <= B_Nine)) this.number();
      else this.literal();
      // After a value: close containers until one has another member.
      for (;;) {
        if (stack.length === 0) return;
        const close = stack[stack.length - 1]!;
        if (this.more(close)) {
          if (close === B_CloseBrace) this.key();
          break;
        }
        stack.pop();
      }
    }
  }
}

export const OPEN_BRACE = B_OpenBrace;
export const CLOSE_BRACE = B_CloseBrace;
export const OPEN_BRACKET = B_OpenBracket;
export const CLOSE_BRACKET = B_CloseBracket;
export const QUOTE = B_Quote;

/** A key as bytes, for JsonScanner.is. */
export function keyBytes(key: string): Uint8Array {
  return Uint8Array.from(key, (ch) => ch.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Keys a reader looks for, indexed for JsonScanner.keyIn. */
export interface KeySet {
  readonly names: readonly string[];
  readonly bytes: readonly Uint8Array[];
  /** Indices of the keys starting with each ASCII byte. */
  readonly byFirst: (number[] | undefined)[];
}

export function keySet(names: readonly string[]): KeySet {
  const byFirst: (number[] | undefined)[] = new Array(128).fill(undefined);
  names.forEach((name, i) => {
    const c = name.charCodeAt(0);
    if (c >= 128) throw new Error('keySet: ASCII keys only');
    const list = byFirst[c] ?? [];
    list.push(i);
    byFirst[c] = list;
  });
  return { names, bytes: names.map(keyBytes), byFirst };
}
