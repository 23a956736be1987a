/**
 * `npm run build:wasm [-- OUTDIR]`: builds the evaluator's and the runner's WebAssembly modules
 * from their AssemblyScript sources in wasm/ to where their loaders read them, or into OUTDIR.
 * The modules are committed, so that neither a user nor CI needs the compiler; the tests check
 * that the committed bytes are this build's (tests/eval/wasm-build.test.ts).
 */
import { basename, join, resolve } from 'node:path';
import asc from 'assemblyscript/asc';

const MODULES = [
  {
    source: 'wasm/results-scan.ts',
    target: 'src/lib/eval/results-scan.wasm',
    // IN + WINDOW + OUT's columns (see the source) fit in 26 pages of 64 KiB; the memory never grows.
    memory: ['--initialMemory', '26', '--maximumMemory', '26'],
  },
  {
    source: 'wasm/annotations-scan.ts',
    target: 'src/lib/eval/annotations-scan.wasm',
    // The same layout as results-scan's, with nine columns of 4,096 rows.
    memory: ['--initialMemory', '26', '--maximumMemory', '26'],
  },
  {
    source: 'wasm/accumulate-kernel.ts',
    target: 'src/lib/eval/accumulate-kernel.wasm',
    // The thread's kernel memory (wasm-module.ts kernelMemory), sized by the loader for its case.
    memory: ['--importMemory', '--initialMemory', '1'],
  },
  {
    source: 'wasm/score-order.ts',
    target: 'src/lib/eval/score-order.wasm',
    // The thread's kernel memory (wasm-module.ts kernelMemory), sized by the loader for its case.
    memory: ['--importMemory', '--initialMemory', '1'],
  },
  {
    source: 'wasm/dense-rows.ts',
    target: 'src/lib/runner/decoders/dense-rows.wasm',
    // Its loader's memory (dense-rows.ts), grown to the largest class map decoded so far.
    memory: ['--importMemory', '--initialMemory', '1', '--enable', 'simd'],
  },
  {
    source: 'wasm/bootstrap-kernel.ts',
    target: 'src/lib/eval/analysis/bootstrap-kernel.wasm',
    // Sized by the loader for its plan, and grown by the kernel for its `reached` table.
    memory: ['--initialMemory', '1', '--enable', 'simd'],
  },
];

const root = join(import.meta.dirname, '..');
const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
// The modules' internal names come from the sources' paths: build from the root, always the same.
process.chdir(root);
for (const m of MODULES) {
  const out = outDir === undefined ? m.target : join(outDir, basename(m.target));
  const { error, stderr } = await asc.main(
    [
      m.source,
      '--outFile',
      out,
      '--optimizeLevel',
      '3',
      '--shrinkLevel',
      '0',
      '--runtime',
      'stub',
      '--noAssert',
      ...m.memory,
    ],
    { stdout: process.stdout, stderr: process.stderr },
  );
  if (error) {
    console.error(`build:wasm failed on ${m.source}: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
}
