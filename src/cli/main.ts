import module from 'node:module';
import { runProgram } from './exit-codes.ts';
import { COMMANDS, type CommandName } from './registry.ts';
import { type Command, runCommand } from './spec.ts';

// Node's on-disk code cache (in the OS temp folder): later runs skip re-compiling (and
// re-stripping the types of) the command modules, a visible share of a short command's time.
module.enableCompileCache?.();

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`);
  return [
    'Usage: podium <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `podium <command> --help` for options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const { podiumVersion } = await import('../lib/orchestrate/provenance.ts');
    console.log(await podiumVersion());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    console.error(`podium: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const { command }: { command: Command } = await COMMANDS[name as CommandName].load();
  return runCommand(command, rest);
}

await runProgram('podium', () => main(process.argv.slice(2)));
