// The floor for `podium eval`: read and JSON.parse the two files, nothing else. Plain JavaScript,
// so that the floor pays no TypeScript type stripping (Node's stripper is a WebAssembly module
// whose load alone costs ~50 ms, which would flatter every ratio against it).
import { readFile } from 'node:fs/promises';

const [gt, dt] = process.argv.slice(2);
if (!gt || !dt) throw new Error('usage: node bench/read-parse.mjs GT DT');
const parsed = [JSON.parse(await readFile(gt, 'utf8')), JSON.parse(await readFile(dt, 'utf8'))];
if (parsed.length !== 2) throw new Error('unreachable');
