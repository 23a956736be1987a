import { describe, expect, it } from 'vitest';
import { eachCase, nonEmpty } from './each-case.ts';

describe('parameterised suites', () => {
  it('refuse an empty case list, naming the suite', () => {
    expect(() => nonEmpty([], 'parity cases')).toThrow(/parity cases: the case list is empty/);
    expect(() => eachCase('podium $name --help', [], () => undefined)).toThrow(/podium \$name --help/);
    expect(nonEmpty([1, 2], 'x')).toEqual([1, 2]);
  });
});
