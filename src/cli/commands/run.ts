import { join, relative } from 'node:path';
import cliProgress from 'cli-progress';
import { selectManifests } from '../../lib/board/pairs.ts';
import { resultPathIn } from '../../lib/board/store.ts';
import { loadAllManifests } from '../../lib/manifest/discover.ts';
import { findDataset, findModel } from '../../lib/manifest/load.ts';
import { type PairReport, runBoard } from '../../lib/orchestrate/run-board.ts';
import { runPair } from '../../lib/orchestrate/run-pair.ts';
import type { Logger } from '../../lib/runner/logger.ts';
import type { Device } from '../../lib/runner/session.ts';
import { readShardPredictions } from '../../lib/shards/shard-file.ts';
import { parseShard } from '../../lib/shards/shards.ts';
import { UserError } from '../../lib/util/errors.ts';
import { EXIT } from '../exit-codes.ts';
import {
  cacheDirOption,
  defineCommand,
  defineOptions,
  formatHelp,
  type OptionValues,
  resolveRoot,
  rootOption,
} from '../spec.ts';

const options = defineOptions({
  model: { type: 'string', arg: 'ID', help: 'model id (models/<id>/model.yaml)' },
  dataset: { type: 'string', arg: 'ID', help: 'dataset id (datasets/<id>/dataset.yaml)' },
  all: {
    type: 'boolean',
    help: `every model × dataset whose classes match (--model / --dataset narrow it); models
awaiting export (no weights yet) are listed as skipped`,
  },
  local: {
    type: 'boolean',
    help: 'with --all: only pairs whose weights and data are in the repository (no downloads)',
  },
  device: {
    type: 'choice',
    choices: ['cpu', 'cuda', 'tensorrt'],
    default: 'cpu',
    help: 'execution provider (falls back to cpu with a warning)',
  },
  limit: {
    type: 'int',
    help: 'only the first N images by id: a smoke run, written to .podium/smoke/ (or --out-dir)',
  },
  shard: {
    type: 'string',
    arg: 'I/N',
    help: 'predict shard I of N only and write partial predictions to --out',
  },
  fromShards: {
    type: 'boolean',
    help: `evaluate the shard files given as arguments (every shard of this pair) as the
full run, without inference: podium run --model M --dataset D --from-shards P1 P2 …`,
  },
  out: { type: 'string', arg: 'FILE', help: 'where to write (one pair)' },
  outDir: { type: 'string', arg: 'DIR', help: 'write <DIR>/<dataset>/<model>.json instead of results/' },
  force: { type: 'boolean', help: 're-run even when the stored result is up to date, and re-infer' },
  batch: { type: 'int', help: 'images per session.run', defaultText: '1' },
  threads: { type: 'int', help: 'onnxruntime intra-op threads', defaultText: 'one per core' },
  cacheDir: cacheDirOption,
  root: rootOption,
  quiet: { type: 'boolean', help: 'print only failures' },
});
export type RunOptions = OptionValues<typeof options>;

/** Benchmarks one pair, or every matching pair with --all, writing results/ (or --out / --out-dir). */
export async function runBenchmarks(values: RunOptions, positionals: string[] = []): Promise<number> {
  const device: Device = values.device;
  const limit = values.limit ?? null;
  const shard = values.shard === undefined ? null : parseShard(values.shard);
  const repoRoot = await resolveRoot(values.root);
  // A smoke run is not comparable with full runs, so it never lands in results/.
  const outDir =
    values.outDir ?? (limit !== null && !values.out ? join(repoRoot, '.podium', 'smoke') : undefined);
  if (shard !== null && (!values.out || values.all))
    throw new UserError('--shard needs one --model, one --dataset and --out FILE');
  if (positionals.length > 0 && !values.fromShards)
    throw new UserError(`unexpected arguments ${positionals.join(' ')} (shard files go with --from-shards)`);
  const common = {
    device,
    limit,
    shard,
    force: values.force,
    ...(values.cacheDir === undefined ? {} : { cacheDir: values.cacheDir }),
    ...(values.batch === undefined ? {} : { batch: values.batch }),
    ...(values.threads === undefined ? {} : { threads: values.threads }),
  };
  const bar = progressBar(!values.quiet && process.stderr.isTTY === true);
  const logger: Logger = {
    warn: (m) => bar.log(`warning: ${m}`),
    info: (m) => (values.quiet ? undefined : bar.log(m)),
  };

  if (!values.all) {
    if (!values.model || !values.dataset)
      throw new UserError(`give --model and --dataset, or --all\n\n${formatHelp(command)}`);
    const model = await findModel(values.model, { repoRoot });
    const dataset = await findDataset(values.dataset, { repoRoot });
    const shards = [];
    for (const file of positionals) shards.push({ file, predictions: await readShardPredictions(file) });
    bar.start(`${model.manifest.id} × ${dataset.manifest.id}`);
    try {
      const outcome = await runPair({
        ...(values.fromShards ? { shards } : {}),
        ...common,
        model,
        dataset,
        logger,
        onProgress: bar.update,
        ...(values.out
          ? { out: values.out }
          : outDir
            ? { out: resultPathIn(outDir, dataset.manifest.id, model.manifest.id) }
            : {}),
      });
      bar.stop();
      if (!values.quiet) console.log(describe({ pair: { model, dataset }, outcome }));
      return 0;
    } finally {
      bar.stop();
    }
  }

  const loaded = await loadAllManifests(undefined, { repoRoot });
  if (loaded.errors.length > 0)
    throw new UserError(`invalid manifests:\n${loaded.errors.map((e) => `  ${e.message}`).join('\n')}`);
  // A hidden model is benchmarked only when named, as `podium plan` does.
  const { models, datasets } = selectManifests(loaded, { model: values.model, dataset: values.dataset });
  if (models.length === 0 || datasets.length === 0) throw new UserError('no model × dataset pair matches');
  const reports = await runBoard({
    ...common,
    models,
    datasets,
    logger,
    localOnly: values.local,
    ...(outDir === undefined ? {} : { outDir }),
    onProgress: bar.update,
    onPairStart: (p, i, n) => bar.start(`[${i + 1}/${n}] ${p.model.manifest.id} × ${p.dataset.manifest.id}`),
    onPairEnd: (r) => {
      bar.stop();
      // Skipped pairs are many on a real board (every model × every dataset): summed up below.
      if ('skipped' in r) return;
      if (!values.quiet || 'error' in r) console.log(describe(r));
    },
  });
  if (!values.quiet) for (const line of skippedSummary(reports)) console.log(line);
  const failed = reports.filter((r) => 'error' in r);
  const ran = reports.filter((r) => 'outcome' in r);
  if (!values.quiet)
    console.log(
      `\n${ran.length} pair(s) up to date or benchmarked, ${reports.length - ran.length - failed.length} skipped, ${failed.length} failed`,
    );
  return failed.length === 0
    ? EXIT.ok
    : failed.every((r) => 'error' in r && r.error instanceof UserError)
      ? EXIT.user
      : EXIT.internal;
}

/** Skipped pairs grouped by reason: one line per reason, naming the pairs (the first few). */
export function skippedSummary(reports: readonly PairReport[], shown = 6): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of reports) {
    if (!('skipped' in r)) continue;
    // A class mismatch lists the classes; the reason without them groups every such pair.
    const reason = r.skipped.replace(/ \(.*$/s, '');
    const list = byReason.get(reason) ?? [];
    list.push(`${r.pair.model.manifest.id} × ${r.pair.dataset.manifest.id}`);
    byReason.set(reason, list);
  }
  return [...byReason].map(([reason, pairs]) => {
    const more = pairs.length > shown ? `, and ${pairs.length - shown} more` : '';
    return `- ${pairs.length} pair(s) skipped: ${reason} (${pairs.slice(0, shown).join(', ')}${more})`;
  });
}

function describe(r: PairReport): string {
  const name = `${r.pair.model.manifest.id} × ${r.pair.dataset.manifest.id}`;
  if ('skipped' in r) return `- ${name}: skipped, ${r.skipped}`;
  if ('error' in r)
    return `✗ ${name}: ${r.error instanceof UserError ? r.error.message : (r.error.stack ?? r.error.message)}`;
  const o = r.outcome;
  const file = relative(process.cwd(), o.file) || o.file;
  if (o.status === 'shard') return `✓ ${name}: shard predictions written to ${file}`;
  const m = o.metrics;
  const what = {
    fresh: 'up to date',
    evaluated: 'evaluated from cached predictions',
    merged: 'evaluated from merged shards',
    ran: 'benchmarked',
  }[o.status];
  const speed = m?.speed ? `, ${m.speed.inferenceMs.p50.toFixed(1)} ms/img inference (p50)` : '';
  const failures = o.failures > 0 ? `, ${o.failures} image(s) failed to decode` : '';
  return `✓ ${name}: ${what}: AP ${m?.coco.AP.toFixed(3)} AP50 ${m?.coco.AP50.toFixed(3)}${speed}${failures} → ${file}`;
}

/** One cli-progress bar per pair on a TTY; elsewhere, nothing but the final lines. */
function progressBar(enabled: boolean) {
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  return {
    start(l: string) {
      label = l;
      if (!enabled) return;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          format: `${label} [{bar}] {value}/{total} images | ETA {eta_formatted}`,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0);
    },
    update(done: number, total: number) {
      if (!bar) return;
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
    log(message: string) {
      if (bar) process.stderr.write(`\r\x1b[K${message}\n`);
      else process.stderr.write(`${message}\n`);
    },
  };
}

export const command = defineCommand({
  name: 'run',
  usage: ['--model <id> --dataset <id> [options]', '--all [options]'],
  description: `Benchmarks models on datasets with ONNX Runtime under the board's fixed settings and writes
results/<dataset>/<model>.json (metric JSON, with the previous run kept in its history).
Pairs whose cache key is unchanged are skipped; predictions are cached, so re-evaluation needs no
re-inference, and a run killed half-way resumes where it stopped.`,
  options,
  positionals: { name: 'shard file' },
  run: runBenchmarks,
});
