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
