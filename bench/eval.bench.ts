/**
 * `npm run bench:eval`: `podium eval` (bin/podium.mjs, as a user runs it) against the floor of
 * merely reading + JSON.parse-ing its two input files (bench/read-parse.mjs, plain JavaScript),
 * every run a fresh Node process (start-up counts on both sides), medians of --runs.
 *
 * Main case: the val2017-scale case (5,000 images, 80 classes, 500k detections). Prints the stages
 * of a full run, the floor, `podium eval` with all analysis and with --stats-only, their ratios to
 * the floor, peak RSS, and whether each goal of issue 13 is met:
 *   full <= 2.0x floor, stats-only <= 1.0x floor, peak RSS <= 250 MiB.
 * Scaling: 100k, 500k and 2M detections and a 1,203-class LVIS-shaped case, time per million
 * detections; goal: growth no worse than n log n (per-million time from 100k to 2M grows by at
 * most log(2M)/log(100k), with 25% allowance for noise).
 *
 *   npm run bench:eval [-- --runs 5] [-- --scaling-runs 3] [-- --no-scaling] [-- --case DIR]
 * Cases are generated once (deterministic) under .podium/bench/. Numbers on a shared machine are
 * noisy: the load average is printed with them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeScaleCase } from '../tests/support/coco-scale-case.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'scaling-runs': { type: 'string', default: '3' },
    'no-scaling': { type: 'boolean', default: false },
    case: { type: 'string' },
  },
});
const runs = Number(values.runs);
const scalingRuns = Number(values['scaling-runs']);
const benchDir = join(root, '.podium/bench');

interface Case {
  dir: string;
  gt: string;
  dt: string;
}

function ensureCase(name: string, nImages: number, detsPerImage: number, classes: number): Case {
  const dir = join(benchDir, name);
  const c = { dir, gt: join(dir, 'gt.json'), dt: join(dir, 'dt.json') };
  if (!existsSync(c.gt) || !existsSync(c.dt)) {
    console.log(`generating ${name} in ${dir} …`);
    const s = makeScaleCase(2026, nImages, detsPerImage, classes);
    mkdirSync(dir, { recursive: true });
    writeFileSync(c.gt, s.gtText);
    writeFileSync(c.dt, s.dtText);
  }
  return c;
}

function node(args: string[], env: Record<string, string> = {}): { seconds: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stderr: r.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
const rssOf = (stderr: string) => Number(/peak RSS\s+(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');

function evalArgs(c: Case, statsOnly: boolean): string[] {
  const args = ['bin/podium.mjs', 'eval', '--gt', c.gt, '--dt', c.dt, '--quiet', '--timings'];
  return statsOnly ? [...args, '--stats-only'] : [...args, '--out', join(c.dir, 'metrics.bench.json')];
}

console.log(`load average at start: ${load()} (${process.env['HOSTNAME'] ?? 'this machine'})`);
const main = values.case
  ? { dir: values.case, gt: join(values.case, 'gt.json'), dt: join(values.case, 'dt.json') }
  : ensureCase('coco-scale', 5000, 100, 80);
const mb = (f: string) => (statSync(f).size / 1e6).toFixed(1);
console.log(`main case: gt ${mb(main.gt)} MB, dt ${mb(main.dt)} MB (${main.dir})`);

// One warm-up of each, so that Node's compile cache and the page cache are as in later runs.
node(['bench/read-parse.mjs', main.gt, main.dt]);
node(evalArgs(main, false));

const floor: number[] = [];
const full: number[] = [];
const stats: number[] = [];
const rss: number[] = [];
const rssStats: number[] = [];
const single: number[] = [];
const rssSingle: number[] = [];
let stages = '';
for (let i = 0; i < runs; i++) {
  floor.push(node(['bench/read-parse.mjs', main.gt, main.dt]).seconds);
  const r = node(evalArgs(main, false));
  full.push(r.seconds);
  stages = r.stderr;
  rss.push(rssOf(r.stderr));
  const s = node(evalArgs(main, true));
  stats.push(s.seconds);
  rssStats.push(rssOf(s.stderr));
  // The evaluator's helper thread (results tail scan, bootstrap batches), off:
  // does it measurably win here?
  const one = node(evalArgs(main, false), { PODIUM_EVAL_THREADS: '1' });
  single.push(one.seconds);
  rssSingle.push(rssOf(one.stderr));
}
rmSync(join(main.dir, 'metrics.bench.json'), { force: true });
const f = median(floor);
const e = median(full);
const so = median(stats);
const peak = Math.max(median(rss), median(rssStats));
console.log(`\nlast full podium eval, by stage (wall clock, in-process):\n${stages.trimEnd()}\n`);
console.log(`read + JSON.parse (floor)    ${f.toFixed(3)} s   (median of ${runs}: ${list(floor)})`);
console.log(`podium eval, all analysis    ${e.toFixed(3)} s   (median of ${runs}: ${list(full)})`);
console.log(`podium eval --stats-only     ${so.toFixed(3)} s   (median of ${runs}: ${list(stats)})`);
const one = median(single);
console.log(
  `  same, one thread (PODIUM_EVAL_THREADS=1) ${one.toFixed(3)} s, peak RSS ${median(rssSingle)} MiB: the helper thread ${one > e ? 'wins' : 'does not win'} by ${((one - e) * 1000).toFixed(0)} ms`,
);
console.log('');
console.log(`ratio, all analysis          ${(e / f).toFixed(2)}x   goal <= 2.0x   ${verdict(e / f <= 2)}`);
console.log(`ratio, --stats-only          ${(so / f).toFixed(2)}x   goal <= 1.0x   ${verdict(so / f <= 1)}`);
console.log(
  `peak RSS                     ${median(rss)} MiB full, ${median(rssStats)} MiB stats-only   goal <= 250 MiB   ${verdict(peak <= 250)}`,
);
console.log(`load average now: ${load()}`);

console.log(`
anchors (published / measured elsewhere, not rerun here):
  hotcoco                0.12 s on ~368k detections (M1 Air; derekallman/hotcoco docs/benchmarks.md)
  ultrafast-pycocotools  0.15 s on ~368k detections (same page)
  faster-coco-eval       3.4 s  (same page)
  pycocotools            25 s   (same page); ~68 s on this 500k case on the issue's machine
  podium eval (this run) ${e.toFixed(2)} s all analysis, ${so.toFixed(2)} s stats-only, on 500k, fresh process`);

if (!values['no-scaling']) {
  const cases: [string, Case, number][] = [
    ['100k', ensureCase('scale-100k', 1000, 100, 80), 100_000],
    ['500k', main, 500_000],
    ['2M', ensureCase('scale-2m', 20000, 100, 80), 2_000_000],
    ['LVIS-shaped 500k, 1,203 classes', ensureCase('lvis-500k', 5000, 100, 1203), 500_000],
  ];
  console.log(`\nscaling (median of ${scalingRuns} fresh processes each; per million detections):`);
  const perM = new Map<string, number>();
  for (const [label, c, n] of cases) {
    const t: number[] = [];
    const ts: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < scalingRuns; i++) {
      const run = node(evalArgs(c, false));
      t.push(run.seconds);
      r.push(rssOf(run.stderr));
      ts.push(node(evalArgs(c, true)).seconds);
    }
    rmSync(join(c.dir, 'metrics.bench.json'), { force: true });
    const m = (median(t) / n) * 1e6;
    perM.set(label, m);
    console.log(
      `  ${label.padEnd(34)} all ${median(t).toFixed(2)} s = ${m.toFixed(2)} s/M   stats-only ${median(ts).toFixed(2)} s = ${((median(ts) / n) * 1e6).toFixed(2)} s/M   peak RSS ${median(r)} MiB`,
    );
  }
  const growth = perM.get('2M')! / perM.get('100k')!;
  const allowed = (Math.log(2e6) / Math.log(1e5)) * 1.25;
  console.log(
    `  per-million time, 100k → 2M: x${growth.toFixed(2)} (n log n allows x${allowed.toFixed(2)} incl. 25% noise)   ${verdict(growth <= allowed)}`,
  );
  console.log(`load average now: ${load()}`);
}
