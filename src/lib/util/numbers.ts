import { UserError } from './errors.ts';

/** A whole number ≥ 1 (and a safe integer): image counts, limits, shard sizes, resamples. */
export function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

/** A whole number ≥ 1 given as text (a flag, an environment variable); `label` names it in the error. */
export function parsePositiveInt(text: string, label: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!isPositiveInt(n) || n > max)
    throw new UserError(
      `${label}: expected a whole number from 1${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got "${text}"`,
    );
  return n;
}
