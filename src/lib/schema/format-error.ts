import type { YAMLError } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.ts';

/**
 * Contributors read these messages in CI logs, so every problem is one line naming the file and
 * the field path (`models/foo/model.yaml: weights.sha256: expected 64 lowercase hex characters`),
 * and all problems are listed at once rather than only the first.
 */

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/**
 * Parses `value` with `schema` using plain-language messages in place of zod's defaults (per
 * parse, not globally, so other schemas are unaffected); messages a schema sets itself win.
 */
export function parseFriendly<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(value, { error: friendlyMessage, reportInput: true });
}

/** parseFriendly, throwing a UserError for `file` that lists every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = parseFriendly(schema, value);
  if (!result.success) throw toUserError(file, result.error);
  return result.data;
}

/** A problem found beyond the schema (policy checks such as "id must equal the folder name"). */
export interface FieldProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

type Problems = z.ZodError | YAMLError | readonly YAMLError[] | readonly FieldProblem[];

/**
 * The one place zod, YAML and policy problems become a message: a headline naming the file,
 * then one line per offending field.
 */
export function toUserError(file: string, ...problems: Problems[]): UserError {
  const lines = problems.flatMap((problem) =>
    isZodError(problem)
      ? zodLines(problem.issues)
      : problem instanceof Error
        ? yamlLines([problem])
        : problem.map((p) =>
            p instanceof Error ? yamlLines([p])[0]! : `${formatPath(p.path)}: ${p.message}`,
          ),
  );
  const unique = [...new Set(lines)];
  const message =
    unique.length === 1
      ? unique[0]!
      : `${unique.length} problems\n${unique.map((line) => `  - ${line}`).join('\n')}`;
  return new UserError(message, { file, cause: problems.length === 1 ? problems[0] : problems });
}

function isZodError(problem: unknown): problem is z.ZodError {
  return (
    typeof problem === 'object' && problem !== null && 'issues' in problem && Array.isArray(problem.issues)
  );
}

function zodLines(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = bestBranch(issue.errors);
      if (best) return zodLines(best, path);
      if (issue.input === undefined && 'input' in issue)
        return [`${formatPath(path)}: required: ${issue.message}`];
    }
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map(quote).join(', ');
      const where = path.length ? ` in ${formatPath(path)}` : '';
      return [`unknown field${issue.keys.length > 1 ? 's' : ''} ${names}${where} (check the spelling)`];
    }
    return [`${formatPath(path)}: ${issue.message}`];
  });
}

/**
 * When no branch of a union matches, explain the branch the author evidently meant: the one with
 * the fewest missing or unknown fields. A tie means the intent is unclear, and the union's own
 * message (which lists the accepted shapes) is shown instead.
 */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const scored = branches.map((issues) => ({
    issues,
    misfit: issues.filter(isShapeMismatch).length,
    // A value of the wrong kind entirely (a string where a list goes) fits worse than any near miss.
    wrongKind: issues.some(
      (i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'),
    ),
  }));
  const least = Math.min(...scored.map((s) => s.misfit));
  let winners = scored.filter((s) => s.misfit === least);
  if (winners.length > 1 && winners.some((s) => !s.wrongKind)) winners = winners.filter((s) => !s.wrongKind);
  if (winners.length !== 1 || winners[0]!.wrongKind) return undefined;
  return winners[0]!.issues;
}

function isShapeMismatch(issue: Issue): boolean {
  if (issue.code === 'unrecognized_keys') return true;
  if (issue.code === 'invalid_type') return issue.path.length > 0 && issue.input === undefined;
  return false;
}

/** `weights.sha256`, `classes[3]`, `["odd key"]`; the top level reads as "(top level)". */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${quote(String(key))}]`;
  }
  return out;
}

/** Quotes untrusted text for a one-line message: escaped, and cut short. */
function quote(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return JSON.stringify(cut);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${quote(value)}`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

function bound(
  issue: { origin: string; inclusive?: boolean; exact?: boolean },
  limit: number | bigint,
  side: 'min' | 'max',
): string {
  const n = Number(limit);
  switch (issue.origin) {
    case 'string':
      return issue.exact
        ? `must be exactly ${n} characters`
        : `must be ${side === 'min' ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      return issue.exact
        ? `must have exactly ${n} items`
        : `must have ${side === 'min' ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    default:
      if (side === 'min')
        return issue.inclusive === false ? `must be greater than ${n}` : `must be at least ${n}`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
  }
}

/** Per-parse error map: plain-language defaults; returning undefined keeps zod's own message. */
function friendlyMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined)
        return issue.expected === 'string' ? 'required' : `required (${expected})`;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => (typeof v === 'string' ? quote(v) : String(v)));
      const expected = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_small':
      return bound(issue, issue.minimum, 'min');
    case 'too_big':
      return bound(issue, issue.maximum, 'max');
    case 'invalid_format':
      return issue.format === 'regex'
        ? `does not match the pattern ${issue.pattern}`
        : `expected a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
}

function yamlLines(errors: readonly YAMLError[]): string[] {
  return errors.map((err) => {
    // yaml's messages end with " at line L, column C:" followed by a code excerpt; keep the first line.
    const first = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const pos = err.linePos?.[0];
    return pos ? `line ${pos.line}, column ${pos.col}: ${first}` : first;
  });
}
