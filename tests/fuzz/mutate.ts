/**
 * Seeded mutators for the fuzz suite: byte-level (bit flips, truncation, insertion, deletion,
 * duplication) for any file, and structure-level for JSON and YAML (a random node replaced by a
 * hostile value, deleted or duplicated), so cases reach past the parser into the checks behind it.
 */
import { mulberry32 } from '../../src/lib/util/prng.ts';

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** One byte-level mutation of `bytes` (never the identity for non-empty input). */
export function mutateBytes(bytes: Uint8Array, r: Rng): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = r.int(Math.max(1, out.length));
  switch (r.int(6)) {
    case 0: {
      // A few bit flips.
      const flips = 1 + r.int(8);
      for (let i = 0; i < flips; i++) {
        const k = r.int(out.length);
        out[k]! ^= 1 << r.int(8);
      }
      return out;
    }
    case 1:
      return out.subarray(0, at); // truncated
    case 2: {
      const junk = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
      return concat(out.subarray(0, at), junk, out.subarray(at));
    }
    case 3:
      return concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + r.int(64))));
    case 4: {
      const len = 1 + r.int(64);
      return concat(out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len));
    }
    default: {
      // Interesting bytes: 0x00, 0xff, 0x7f, 0x80 runs.
      const v = r.pick([0, 0xff, 0x7f, 0x80]);
      for (let i = 0; i < 1 + r.int(8) && at + i < out.length; i++) out[at + i] = v;
      return out;
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Values an attacker or a broken exporter would put where a number or a name belongs. */
function hostileValue(r: Rng): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => true,
    () => -1,
    () => 0,
    () => -0,
    () => 1e308,
    () => -1e308,
    () => 5e-324,
    () => 2 ** 53 + 1,
    () => 0.1 + 0.2,
    () => 'NaN',
    () => 'Infinity',
    () => '',
    () => 'x'.repeat(5000),
    () => '../../../etc/passwd',
    () => '<script>alert(1)</script>',
    () => '\u0000\u202e',
    () => [],
    () => {},
    () => ({ __proto__: { polluted: true } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => [1, 2, 3],
    () => Array.from({ length: 2000 }, (_, i) => i),
    () => ({ nested: { a: [1, { b: 'c' }] } }),
  ])();
}

/** Every path to a node of a JSON-like value (arrays sampled, so huge lists stay cheap). */
function paths(value: unknown, r: Rng, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (out.length > 4000) return out;
  if (Array.isArray(value)) {
    const n = value.length;
    const picks = n <= 8 ? [...Array(n).keys()] : [0, n - 1, ...Array.from({ length: 6 }, () => r.int(n))];
    for (const i of new Set(picks)) paths(value[i], r, [...prefix, i], out);
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) paths((value as Record<string, unknown>)[k], r, [...prefix, k], out);
  }
  return out;
}

/** Numbers that pass a type check yet break arithmetic that assumes sane magnitudes. */
const EXTREME_NUMBERS = [
  1e308,
  -1e308,
  5e-324,
  -5e-324,
  1e15,
  -1e15,
  2 ** 31,
  2 ** 53 + 2,
  -0,
  0,
  -1,
  0.5,
  1e-9,
];

/** One structure-level mutation of a JSON-like value (a deep copy is changed and returned). */
export function mutateTree(value: unknown, r: Rng): unknown {
  const root = structuredClone(value);
  const all = paths(root, r).filter((p) => p.length > 0);
  if (r.next() < 0.4) {
    // Numbers only: the shape stays valid, so the case reaches the arithmetic.
    const numeric = all.filter((p) => typeof get(root, p) === 'number');
    for (let i = 0, n = 1 + r.int(4); i < n && numeric.length > 0; i++)
      set(root, r.pick(numeric), r.pick(EXTREME_NUMBERS));
    return root;
  }
  if (all.length === 0) return hostileValue(r);
  const count = 1 + r.int(3);
  for (let i = 0; i < count; i++) {
    const path = r.pick(all);
    let parent = root as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const child = parent?.[key];
      if (!child || typeof child !== 'object') break;
      parent = child as Record<string | number, unknown>;
    }
    const key = path.at(-1)!;
    if (!parent || typeof parent !== 'object') continue;
    const op = r.int(4);
    if (op === 0 && Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (op === 0) delete parent[key];
    else if (op === 1 && Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
    else parent[key] = hostileValue(r);
  }
  return root;
}

function get(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)?.[k];
  return v;
}

function set(root: unknown, path: (string | number)[], value: unknown): void {
  const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown>;
  if (parent && typeof parent === 'object') parent[path.at(-1)!] = value;
}

/** JSON text of a mutated tree, sometimes with the non-JSON tokens some exporters write. */
export function mutateJsonText(value: unknown, r: Rng): string {
  const text = JSON.stringify(mutateTree(value, r));
  switch (r.int(8)) {
    case 0:
      return text.replace(/\d+\.\d+/, 'NaN');
    case 1:
      return text.replace(/\d+\.\d+/, '-Infinity');
    case 2:
      return text.replace(/\d+(\.\d+)?/, '1e999'); // parses to Infinity
    case 3:
      // Nesting deeper than any recursive walk can follow.
      return text.replace(/\d+(\.\d+)?/, `${'['.repeat(20_000)}1${']'.repeat(20_000)}`);
    default:
      return text;
  }
}
