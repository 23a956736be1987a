#!/usr/bin/env node
// Thin launcher: Node >= 22.18 runs the TypeScript sources directly (type stripping). Plain
// JavaScript, so that Node's code cache (in the OS temp folder) is on before the first TypeScript
// module loads: a cached run then never loads the type stripper (~50 ms of a short command).
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/cli/main.ts');
