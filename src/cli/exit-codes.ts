import { isUserError } from '../lib/util/errors.ts';

/** Exit codes of every Podium program (the CLI and the npm scripts). */
export const EXIT = { ok: 0, internal: 1, user: 2 } as const;

/**
 * The one mapping of errors to exit codes: a UserError (bad input: a file, a flag, a manifest) is
 * printed as one line and exits 2; anything else is an internal error, printed with its stack (1).
 */
export function reportError(program: string, err: unknown): number {
  if (isUserError(err)) {
    console.error(`${program}: error: ${err.message}`);
    return EXIT.user;
  }
  console.error(`${program}: internal error — please report it with the command you ran.`);
  console.error(err);
  return EXIT.internal;
}

/** Runs a program's main and sets the process exit code from its result or error. */
export async function runProgram(program: string, main: () => Promise<number>): Promise<void> {
  // Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    process.exitCode = await main();
  } catch (err) {
    process.exitCode = reportError(program, err);
  }
}
