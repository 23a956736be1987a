/**
 * `npm run demo`: the same as `podium demo` (src/cli/commands/demo.ts), from pixels to site.
 *
 *   npm run demo [-- --serve] [-- --port 4321] [-- --force]
 *   npm run demo -- --root /tmp/demo --images 16     # a small demo elsewhere (the tests do this)
 */
import { command } from '../src/cli/commands/demo.ts';
import { runProgram } from '../src/cli/exit-codes.ts';
import { runCommand } from '../src/cli/spec.ts';

await runProgram('demo', () =>
  runCommand({ ...command, invocation: 'npm run demo --' }, process.argv.slice(2)),
);
