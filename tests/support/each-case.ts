import { describe } from 'vitest';

/**
 * describe.each that refuses an empty case list (cases are objects or primitives, never arrays): a parameterised suite that generates nothing
 * would pass silently, so it fails instead, naming the suite.
 */
export function eachCase<T extends object | string | number>(
  title: string,
  cases: readonly T[],
  body: (c: T) => void,
): void {
  if (cases.length === 0) {
    describe(title, () => {
      throw new Error(`"${title}": the case list is empty, so this suite would test nothing`);
    });
    return;
  }
  // Objects interpolate as $field in the title, strings and numbers as %s.
  describe.each(cases as T[])(title, body);
}

/**
 * The case list of a loop-generated suite (`for (const c of cases) it(...)`), refused when empty
 * so that the suite fails at collection instead of passing with no tests.
 */
export function nonEmpty<T>(cases: readonly T[], what: string): readonly T[] {
  if (cases.length === 0) throw new Error(`${what}: the case list is empty, so the suite would test nothing`);
  return cases;
}
