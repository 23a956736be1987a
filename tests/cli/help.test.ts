import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.ts';
import { acceptedFlags, type Command, flagName, formatHelp, parseCommand } from '../../src/cli/spec.ts';
import { UserError } from '../../src/lib/util/errors.ts';
import { eachCase } from '../support/each-case.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The flags a help text documents: the first `--flag` of each line of its Options section. */
function documentedFlags(help: string): string[] {
  const section = help.slice(help.indexOf('\nOptions:\n'));
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[a-z][\w-]*)/gm)].map((m) => m[1]!);
}

/** A value the parser accepts for an option of this spec. */
function sampleArgs(key: string, command: Command): string[] {
  const spec = command.options[key]!;
  const flag = `--${flagName(key)}`;
  if (spec.type === 'boolean') return [spec.default === true ? `--no-${flagName(key)}` : flag];
  if (spec.type === 'int') return [flag, '3'];
  if (spec.type === 'choice') return [flag, spec.choices[0]!];
  return [flag, 'x'];
}

/** As many positional arguments as the command needs at least. */
const positionals = (command: Command) => Array.from({ length: command.positionals?.min ?? 0 }, () => 'x');

const commands = await Promise.all(
  Object.entries(COMMANDS).map(async ([name, c]) => ({ name, command: (await c.load()).command as Command })),
);

eachCase('podium $name --help', commands, ({ name, command }) => {
  it('is registered under its own name', () => {
    expect(command.name).toBe(name);
  });

  it('lists exactly the options the parser accepts', () => {
    const help = formatHelp(command);
    expect(documentedFlags(help).sort()).toEqual([...acceptedFlags(command), '--help'].sort());
    for (const key of Object.keys(command.options)) {
      const parsed = parseCommand(command, [...sampleArgs(key, command), ...positionals(command)]);
      expect(parsed.help, key).toBe(false);
    }
    expect(() => parseCommand(command, ['--not-an-option'])).toThrow(UserError);
    expect(parseCommand(command, ['-h']).help).toBe(true);
    expect(parseCommand(command, positionals(command)).help).toBe(false);
  });
});

describe('the podium binary', () => {
  it('prints the same help for a command as its declaration, and exits 2 on an unknown flag', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8' });
    const help = cli('plan', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout.trimEnd()).toBe(formatHelp(commands.find((c) => c.name === 'plan')!.command));
    const bad = cli('run', '--quiet', '--nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^podium: error: Unknown option '--nope'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names every registered command in podium --help, demo included', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--help'], { encoding: 'utf8' });
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
  });
});

describe('typed option values', () => {
  const { command } = commands.find((c) => c.name === 'run')!;
  it('parses integers, choices and defaults, and names the flag on bad input', () => {
    const parsed = parseCommand(command, ['--all', '--batch', '4']);
    expect(parsed.help === false && parsed.options).toMatchObject({ all: true, batch: 4, device: 'cpu' });
    expect(() => parseCommand(command, ['--batch', '0'])).toThrow(/--batch: expected a whole number/);
    expect(() => parseCommand(command, ['--batch', '2.5'])).toThrow(/--batch: expected a whole number/);
    expect(() => parseCommand(command, ['--device', 'tpu'])).toThrow(/--device: expected one of cpu, cuda/);
  });
});
