import { readFileSync } from 'node:fs';
import { JsonScanner, OPEN_BRACKET, CLOSE_BRACKET } from './src/lib/eval/json-scan.ts';
import { readGt } from './src/lib/eval/read-gt.ts';
import { scanEntries, toDetections } from './src/lib/eval/read-results.ts';
const C = '.podium/bench/coco-scale';
const gt = readGt(readFileSync(`${C}/gt.json`), 'gt', '');
const b = readFileSync(`${C}/dt.json`);
const s = new JsonScanner(b); s.open(OPEN_BRACKET, CLOSE_BRACKET);
let t = performance.now();
const { rows } = scanEntries(s, b.length, -1);
console.log('scan', (performance.now() - t).toFixed(1));
for (let i = 0; i < 3; i++) { t = performance.now(); toDetections([rows], gt, ''); console.log('toDetections', (performance.now() - t).toFixed(1)); }
