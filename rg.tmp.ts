import { readFileSync } from 'node:fs';
import { readGt } from './src/lib/eval/read-gt.ts';
const gb = readFileSync('.podium/bench/coco-scale/gt.json');
for (let i = 0; i < 3; i++) { const t = performance.now(); readGt(gb, 'gt', ''); console.log('gt', (performance.now() - t).toFixed(1)); }
