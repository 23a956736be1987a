/**
 * `npm run build:wasm [-- OUT]`: builds the results reader's WebAssembly lane from its
 * AssemblyScript source (wasm/results-scan.ts) into src/lib/eval/results-scan.wasm, or OUT. The
 * module is committed, so that neither a user nor CI needs the compiler; tests/eval/results-lane
 * checks that the committed bytes are this build's.
 */
import { join, resolve } from 'node:path';
import asc from 'assemblyscript/asc';

const out = resolve(process.argv[2] ?? join(import.meta.dirname, '../src/lib/eval/results-scan.wasm'));
// The module's internal names come from the source's path: build from the root, always the same.
process.chdir(join(import.meta.dirname, '..'));
const { error, stderr } = await asc.main(
  [
    'wasm/results-scan.ts',
    '--outFile',
    out,
    '--optimizeLevel',
    '3',
    '--shrinkLevel',
    '0',
    '--runtime',
    'stub',
    '--noAssert',
    // IN + WINDOW + OUT's columns (see the source) fit in 26 pages of 64 KiB; the memory never grows.
    '--initialMemory',
    '26',
    '--maximumMemory',
    '26',
  ],
  { stdout: process.stdout, stderr: process.stderr },
);
if (error) {
  console.error(`build:wasm failed: ${error.message}\n${stderr.toString()}`);
  process.exit(1);
}
