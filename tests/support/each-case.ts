import { describe } from 'vitest';

/**
 * The case list of a parameterised suite, refused when empty: a suite that generates nothing
 * would pass silently, so collecting it throws instead, which fails the file and names the suite.
 */
export function nonEmpty<T>(cases: readonly T[], what: string): readonly T[] {
  if (cases.length === 0) throw new Error(`${what}: the case list is empty, so the suite would test nothing`);
  return cases;
}

/**
 * describe.each over a list that must not be empty (see nonEmpty). Cases are objects or
 * primitives, never arrays: objects interpolate as $field in the title, strings and numbers as %s.
 */
export function eachCase<T extends object | string | number>(
  title: string,
  cases: readonly T[],
  body: (c: T) => void,
): void {
  describe.each(nonEmpty(cases, title) as T[])(title, body);
}
