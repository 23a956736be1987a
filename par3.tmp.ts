import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { readGt } from './src/lib/eval/read-gt.ts';
import { readDetections } from './src/lib/eval/read-results.ts';
const C = '.podium/bench/coco-scale';
const gb = readFileSync(`${C}/gt.json`); const db = readFileSync(`${C}/dt.json`);
const gt = readGt(gb, 'gt', '');
function scan() { const t = performance.now(); readDetections(db, 'dt', '', gt); return performance.now() - t; }
if (isMainThread) {
  scan(); scan();
  const one = scan();
  const w = new Worker(new URL(import.meta.url));
  await new Promise((r) => w.once('message', r)); // warmed
  const t = performance.now();
  w.postMessage(0); const mine = scan(); const theirs = await new Promise((r) => w.once('message', r));
  console.log('one scan', one.toFixed(0), '| two concurrent: main', mine.toFixed(0), 'worker', Number(theirs).toFixed(0), 'wall', (performance.now() - t).toFixed(0));
  w.terminate();
} else { scan(); scan(); parentPort!.postMessage('ready'); parentPort!.on('message', () => parentPort!.postMessage(scan())); }
