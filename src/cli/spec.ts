/**
 * Each command declares its options once, here typed: the parser (node:util parseArgs), the
 * validation of numbers and choices, the typed values handed to the command, and `--help` all
 * come from that one declaration, so the help cannot drift from what is parsed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../lib/util/errors.ts';
import { parsePositiveInt } from '../lib/util/numbers.ts';

interface Common {
  readonly help: string;
  /** Shown in --help instead of the default's value, when the default is computed. */
  readonly defaultText?: string;
  readonly short?: string;
}
export type OptionSpec =
  | (Common & { readonly type: 'string'; readonly arg?: string; readonly default?: string })
  /** A flag; with `default: true` it is spelled `--no-<name>` in the help. */
  | (Common & { readonly type: 'boolean'; readonly default?: boolean })
  | (Common & {
      readonly type: 'int';
      readonly arg?: string;
      readonly default?: number;
      readonly max?: number;
    })
  | (Common & {
      readonly type: 'choice';
      readonly choices: readonly string[];
      readonly arg?: string;
      readonly default?: string;
    });
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : (
        S extends { type: 'int' }
          ? number
          : S extends { choices: readonly (infer C)[] }
            ? C
            : string
      ) extends infer V
    ? S extends { default: unknown }
      ? V
      : V | undefined
    : never;

/** The typed options a command receives: the spec's keys (camelCase), each with its value type. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface PositionalSpec {
  /** What one of them is, for the error when their count is wrong, e.g. `shard file`. */
  readonly name: string;
  readonly min?: number;
  readonly max?: number;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** How the usage line invokes it, when not `podium <name>` (an npm script). */
  readonly invocation?: string;
  /** Usage lines after `podium <name> `, e.g. `--gt FILE --dt FILE [options]`. */
  readonly usage: readonly string[];
  readonly description: string;
  readonly options: O;
  readonly positionals?: PositionalSpec;
  /** Printed after the options, e.g. exit codes. */
  readonly footer?: string;
  // Method syntax on purpose: bivariant, so a Command<Specific> is a Command (the registry's type).
  run(options: OptionValues<O>, positionals: string[]): Promise<number>;
}

/** Identity, for inference: the choices stay literal types and `run` is typed by the spec. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

export const flagName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flags a command accepts (without --help), as typed on the command line. */
export function acceptedFlags(command: Command): string[] {
  return Object.entries(command.options).map(([key, spec]) =>
    spec.type === 'boolean' && spec.default === true ? `--no-${flagName(key)}` : `--${flagName(key)}`,
  );
}

export function formatHelp(command: Command): string {
  const rows: [string, string][] = Object.entries(command.options).map(([key, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '';
    const name = flagName(key);
    let left: string;
    if (spec.type === 'boolean') left = spec.default === true ? `--no-${name}` : `--${name}`;
    else
      left = `--${name} ${spec.arg ?? (spec.type === 'int' ? 'N' : spec.type === 'choice' ? 'X' : 'VALUE')}`;
    let text = spec.help;
    if (spec.type === 'choice') text += `: ${spec.choices.join(', ')}`;
    const dflt =
      spec.defaultText ??
      (spec.type === 'boolean' || spec.default === undefined ? undefined : String(spec.default));
    if (dflt !== undefined) text += ` (default ${dflt})`;
    return [`${short}${left}`, text];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const usage = command.usage.map(
    (u, i) => `${i === 0 ? 'Usage: ' : '       '}${command.invocation ?? `podium ${command.name}`} ${u}`,
  );
  return [
    ...usage,
    '',
    command.description,
    '',
    'Options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`),
    ...(command.footer ? ['', command.footer] : []),
  ].join('\n');
}

const seeHelp = (command: Command) =>
  `Run \`${command.invocation ?? `podium ${command.name}`} --help\` for its options.`;

export type Parsed<O extends OptionSpecs> =
  | { help: true }
  | { help: false; options: OptionValues<O>; positionals: string[] };

/** Parses argv by the command's spec; every problem is a UserError naming the flag. */
export function parseCommand<O extends OptionSpecs>(command: Command<O>, argv: readonly string[]): Parsed<O> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [key, spec] of Object.entries(command.options)) {
    config[flagName(key)] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: command.positionals !== undefined,
      allowNegative: true,
    });
  } catch (err) {
    // parseArgs' own messages are clear (unknown option, missing value); they are the user's mistake.
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
      throw new UserError(`${err.message}\n${seeHelp(command)}`);
    throw err;
  }
  if (parsed.values['help'] === true) return { help: true };
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(command.options)) {
    const flag = `--${flagName(key)}`;
    const raw = parsed.values[flagName(key)];
    if (spec.type === 'boolean') {
      values[key] = raw === undefined ? (spec.default ?? false) : raw;
      continue;
    }
    if (raw === undefined) {
      values[key] = spec.default;
      continue;
    }
    const s = String(raw);
    if (spec.type === 'int') values[key] = parsePositiveInt(s, flag, spec.max);
    else if (spec.type === 'choice' && !spec.choices.includes(s))
      throw new UserError(`${flag}: expected one of ${spec.choices.join(', ')}, got "${s}"`);
    else values[key] = s;
  }
  const { min = 0, max = Number.POSITIVE_INFINITY, name = '' } = command.positionals ?? {};
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    const want =
      min === max
        ? `exactly ${min}`
        : max === Number.POSITIVE_INFINITY
          ? `at least ${min}`
          : `${min} to ${max}`;
    throw new UserError(
      `expected ${want} ${name} argument${max === 1 ? '' : 's'}, got ${n}\n${seeHelp(command)}`,
    );
  }
  return { help: false, options: values as OptionValues<O>, positionals: parsed.positionals };
}

/** Parses, prints the help when asked, else runs the command with its typed options. */
export async function runCommand<O extends OptionSpecs>(
  command: Command<O>,
  argv: readonly string[],
): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (parsed.help) {
    console.log(formatHelp(command));
    return 0;
  }
  return command.run(parsed.options, parsed.positionals);
}

/** The `--root` every command takes, with one meaning and one default. */
export const rootOption = {
  type: 'string',
  arg: 'DIR',
  help: 'repository root',
  defaultText: 'nearest folder above with package.json or .git',
} as const satisfies OptionSpec;

export async function resolveRoot(root: string | undefined): Promise<string> {
  if (root !== undefined) return resolve(root);
  // Loaded on use: discover.ts pulls in zod, yaml and the manifest schemas, which `podium eval`
  // (every command importing this module) would otherwise pay for at start-up.
  const { findRepoRoot } = await import('../lib/manifest/discover.ts');
  return findRepoRoot(process.cwd());
}

export const cacheDirOption = {
  type: 'string',
  arg: 'DIR',
  help: 'download and prediction cache',
  defaultText: '.podium/cache, or $PODIUM_CACHE_DIR',
} as const satisfies OptionSpec;

/** Identity, for inference: keeps each option's `type` (and choices) as literal types. */
export function defineOptions<const O extends OptionSpecs>(options: O): O {
  return options;
}
