/**
 * `npm run bench:eval`: times `podium eval` end to end (read + parse + evaluate + accumulate +
 * extended analysis + write) on a COCO val2017-scale case, and in the same run the bare read +
 * JSON.parse of the same two files (both as fresh Node processes, so start-up counts on both
 * sides); prints both, their ratio, and eval's peak RSS.
 * Targets on a 2-core machine: ratio <= 4, peak RSS < 1.5 GiB.
 *
 *   npm run bench:eval [-- --runs 5] [-- --case DIR]   (DIR holding gt.json + dt.json)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeScaleCase } from '../tests/support/coco-scale-case.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, case: { type: 'string' } },
});
const runs = Number(values.runs);
const dir = values.case ?? join(root, '.podium/bench/coco-scale');
const gt = join(dir, 'gt.json');
const dt = join(dir, 'dt.json');
if (!existsSync(gt) || !existsSync(dt)) {
  console.log(`generating the val2017-scale case in ${dir} …`);
  const c = makeScaleCase(2026);
  mkdirSync(dir, { recursive: true });
  writeFileSync(gt, c.gtText);
  writeFileSync(dt, c.dtText);
}
const mb = (f: string) => (statSync(f).size / 1e6).toFixed(1);
console.log(`case: gt ${mb(gt)} MB, dt ${mb(dt)} MB (${dir})`);

const out = join(dir, 'metrics.bench.json');
function timed(args: string[]): { seconds: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stderr: r.stderr };
}

const floor: number[] = [];
const full: number[] = [];
const rss: number[] = [];
let stages = '';
for (let i = 0; i < runs; i++) {
  floor.push(timed(['bench/read-parse.ts', gt, dt]).seconds);
  const r = timed(['src/cli/main.ts', 'eval', '--gt', gt, '--dt', dt, '--out', out, '--quiet', '--timings']);
  full.push(r.seconds);
  stages = r.stderr;
  rss.push(Number(/peak RSS\s+(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN));
}
rmSync(out, { force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = median(floor);
const e = median(full);
console.log(`\nlast podium eval, by stage:\n${stages.trimEnd()}\n`);
console.log(
  `read + JSON.parse (floor)   ${f.toFixed(3)} s   (median of ${runs}: ${floor.map((x) => x.toFixed(2)).join(' ')})`,
);
console.log(
  `podium eval end to end      ${e.toFixed(3)} s   (median of ${runs}: ${full.map((x) => x.toFixed(2)).join(' ')})`,
);
console.log(`ratio                       ${(e / f).toFixed(2)}x   (target <= 4)`);
console.log(`peak RSS                    ${median(rss)} MiB (target < 1536)`);
