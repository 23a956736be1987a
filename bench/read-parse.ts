/** The floor for `podium eval`: read and JSON.parse the two files, nothing else. */
import { readFile } from 'node:fs/promises';

const [gt, dt] = process.argv.slice(2);
if (!gt || !dt) throw new Error('usage: node bench/read-parse.ts GT DT');
const parsed = [JSON.parse(await readFile(gt, 'utf8')), JSON.parse(await readFile(dt, 'utf8'))];
if (parsed.length !== 2) throw new Error('unreachable');
