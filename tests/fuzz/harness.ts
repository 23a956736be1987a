/**
 * Runs a podium command in-process exactly as bin/podium does (the command registry, the same
 * parser, the one error→exit-code mapping), with its console output captured, and judges the
 * outcome by the fuzz suite's rule: a result (0) or a clear error (2) — never an internal error,
 * a stack trace, a hang, a half-written file or a non-finite number in a metric JSON.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { reportError } from '../../src/cli/exit-codes.ts';
import { COMMANDS, type CommandName } from '../../src/cli/registry.ts';
import { type Command, runCommand } from '../../src/cli/spec.ts';
import { MetricsSchema } from '../../src/lib/schema/metrics.ts';

export interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** One case's command, under a time limit (a hang is a failure, not a stuck suite). */
export async function podium(argv: readonly string[], timeoutMs = 20_000): Promise<Outcome> {
  const lines: string[] = [];
  const capture =
    (_orig: unknown) =>
    (...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
    };
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const savedWrite = process.stderr.write;
  console.log = capture(saved.log);
  console.error = capture(saved.error);
  console.warn = capture(saved.warn);
  console.info = capture(saved.info);
  process.stderr.write = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      const [name, ...rest] = argv;
      const { command }: { command: Command } = await COMMANDS[name as CommandName].load();
      try {
        return await runCommand(command, rest);
      } catch (err) {
        return reportError('podium', err);
      }
    })();
    const hang = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hang: no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    const code = await Promise.race([work, hang]);
    return { code, output: lines.join('\n') };
  } finally {
    clearTimeout(timer);
    Object.assign(console, saved);
    process.stderr.write = savedWrite;
  }
}

const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;

/** Problems with one case's outcome (empty when it is acceptable). */
export function judge(outcome: Outcome, outFile?: string): string[] {
  const problems: string[] = [];
  if (outcome.code !== 0 && outcome.code !== 2) problems.push(`exit ${outcome.code}`);
  if (STACK.test(outcome.output)) problems.push('a stack trace');
  // validate prints its own report; every other command one `podium: error:` line.
  if (outcome.code === 2 && !/\berror\b/.test(outcome.output))
    problems.push('exit 2 without an error message');
  if (outFile) {
    // The file being written is Podium's own: an error that blames it blames the wrong party.
    if (outcome.code === 2 && outcome.output.includes(`${basename(outFile)}: `))
      problems.push(`an error about the output file ${basename(outFile)}, not about the input`);
    const leftovers = existsSync(dirname(outFile))
      ? readdirSync(dirname(outFile)).filter((f) => /\.tmp$|\.partial/.test(f))
      : [];
    if (leftovers.length) problems.push(`left ${leftovers.join(', ')}`);
    if (existsSync(outFile)) problems.push(...metricProblems(readFileSync(outFile, 'utf8')));
  }
  return problems;
}

/** A metric JSON must parse, validate, and hold finite numbers only (null never stands in for NaN). */
export function metricProblems(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ['a half-written metric JSON'];
  }
  const parsed = MetricsSchema.safeParse(value);
  if (!parsed.success) return [`a metric JSON failing its schema: ${parsed.error.issues[0]?.message}`];
  const bad: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'number' && !Number.isFinite(v)) bad.push(path);
    else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${path}[${i}]`);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(parsed.data, '');
  return bad.length ? [`non-finite numbers at ${bad.slice(0, 3).join(', ')}`] : [];
}
