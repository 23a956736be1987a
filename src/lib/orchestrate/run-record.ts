import type { InferenceParams } from '../board/cache-key.ts';
import type { LoadedModel } from '../manifest/load.ts';
import { summarise } from '../runner/stats.ts';
import type { Metrics } from '../schema/metrics.ts';
import type { ShardRun } from '../shards/shard-file.ts';
import { gitSha, podiumVersion } from './provenance.ts';

/** The speed section of a result from per-image timings (warm-up already excluded). */
export function speedOf(run: ShardRun): NonNullable<Metrics['speed']> {
  const mean = (xs: number[]) => (xs.length ? summarise(xs).mean : 0);
  const inf = summarise(run.inferenceMs);
  return {
    preprocessMs: mean(run.preprocessMs),
    inferenceMs: run.inferenceMs.length
      ? { mean: inf.mean, p50: inf.p50, p90: inf.p90, p99: inf.p99 }
      : { mean: 0, p50: 0, p90: 0, p99: 0 },
    postprocessMs: mean(run.postprocessMs),
    fps: run.wallS > 0 ? run.inferenceMs.length / run.wallS : 0,
    peakRssMb: run.peakRssMb,
  };
}

/** The run record of a result: how, where and under which settings the predictions were made. */
export async function runRecord(ctx: {
  model: LoadedModel;
  run: ShardRun;
  inference: InferenceParams;
  batch: number;
  cacheKey: string;
}): Promise<NonNullable<Metrics['run']>> {
  const m = ctx.model.manifest;
  const env = ctx.run.environment;
  return {
    date: new Date().toISOString(),
    podiumVersion: await podiumVersion(),
    gitSha: await gitSha(ctx.model.repoRoot),
    onnxruntime: env.onnxruntime,
    executionProvider: env.executionProvider,
    device: env.executionProvider === 'cpu' ? `${env.cpu} (${env.cpuCount} threads)` : env.executionProvider,
    node: env.node,
    imgsz: m.input.size
      ? [...m.input.size]
      : m.input.dynamic
        ? [m.input.dynamic.maxSize]
        : m.input.shorterSide
          ? [m.input.shorterSide.size]
          : [],
    conf: ctx.inference.conf,
    iou: ctx.inference.iou,
    maxDet: ctx.inference.maxDet,
    batch: ctx.batch,
    durationS: ctx.run.wallS,
    limit: ctx.inference.limit,
    failedImages: ctx.run.failures.map(({ file, reason }) => ({ file, reason })),
    ...(ctx.run.dropped === undefined ? {} : { droppedDetections: ctx.run.dropped }),
    cacheKey: ctx.cacheKey,
  };
}

/** The manifest's published scores, carried as they are (percent, as papers print them). */
export function reportedOf(model: LoadedModel): Metrics['reported'] {
  const r = model.manifest.reported;
  return r ? { AP: r.AP ?? null, AP50: r.AP50 ?? null, source: r.source ?? null } : null;
}
