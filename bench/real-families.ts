/**
 * The runner on one real model per family present in ../shared/real (issue 10 §4): pipeline
 * throughput against bare session.run on tensors prepared beforehand, and the family's decode +
 * NMS time per image against its inference time. Skipped with one line when ../shared/real is
 * absent. Numbers on a shared machine are noisy: read the ratios.
 *
 * Throughput is a steady state, as over a dataset of thousands of images: each model runs on
 * enough of coco128 for `seconds` of bare inference (at least `images`, at most all 128), since
 * on 16 images of a fast model the pipeline's fill (the first image's decode, before any
 * inference) and drain were 3–4% of its time. Rounds alternate bare and pipeline passes, so that
 * load from other processes hits both alike; the ratio printed is their median.
 */
import { BOARD_INFERENCE } from '../src/lib/board/cache-key.ts';
import { yoloToCoco } from '../src/lib/dataset/yolo.ts';
import { buildClassMap } from '../src/lib/runner/class-map.ts';
import { bindOptionsFor, getDecoder } from '../src/lib/runner/decoders/index.ts';
import { resolveInput } from '../src/lib/runner/model-input.ts';
import { extraFeeds, imageDims, runPipeline } from '../src/lib/runner/pipeline.ts';
import { finalizeDetections, noDrops } from '../src/lib/runner/postprocess.ts';
import { preprocessImage } from '../src/lib/runner/preprocess.ts';
import { createSession, defaultCpuThreads, type FeedTensor } from '../src/lib/runner/session.ts';
import {
  COCO128_DIR,
  REAL_MODELS,
  REAL_MODELS_DIR,
  realMaterialMissing,
  realModelManifest,
} from '../tests/support/real-models.ts';

const f = (x: number, d = 2) => x.toFixed(d);
/** The middle value (the upper one of an even count), as the benches report ratios. */
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface RealBenchOptions {
  /** Fewest coco128 images per model. */
  images: number;
  /** Bare inference time per pass the image count is chosen for. */
  seconds: number;
  rounds: number;
  threads: number;
}

export async function benchRealFamilies(options: RealBenchOptions): Promise<void> {
  const missing = await realMaterialMissing();
  if (missing) {
    console.log(`real models: ${missing}`);
    return;
  }
  const { gt } = await yoloToCoco({
    root: COCO128_DIR,
    dataYaml: 'data.yaml',
    split: 'val',
    label: 'coco128',
  });
  const all = gt.images.map((im) => ({ id: im.id, source: COCO128_DIR + im.file_name }));
  const seen = new Set<string>();
  for (const real of REAL_MODELS) {
    if (seen.has(real.manifest.family)) continue; // one model per family
    seen.add(real.manifest.family);
    const m = realModelManifest(real);
    const file = REAL_MODELS_DIR + real.file;
    const sessionOptions = { allowSpinning: false, intraOpNumThreads: options.threads };
    const session = await createSession(file, sessionOptions);
    const bare = await createSession(file, { ...sessionOptions, worker: false });
    const decoder = getDecoder(m.family).bind(session.outputs, bindOptionsFor(m, file));
    const categoryIds = buildClassMap(m.classes, gt.categories, {}).categoryIds;
    const input = resolveInput(bare.inputs, m.input, 1);

    // Bare: tensors prepared up front, then only session.run; decode + NMS timed on its outputs.
    const prepare = async (im: (typeof all)[number]) => {
      const p = await preprocessImage(im.source, m.input);
      const t = p.transform;
      const size = [{ width: t.originalWidth, height: t.originalHeight }];
      const feeds: Record<string, FeedTensor> = {
        [input.name]: { data: p.data, dims: imageDims(input.layout, 1, t.inputHeight, t.inputWidth) },
        ...extraFeeds(input, size, [{ width: t.inputWidth, height: t.inputHeight }]),
      };
      return { feeds, transform: t, id: im.id };
    };
    // Warm up session.run on the first image, whose second run sizes the pass.
    const first = await prepare(all[0]!);
    await bare.run(first.feeds, decoder.outputNames);
    const { inferenceMs: oneMs } = await bare.run(first.feeds, decoder.outputNames);
    const n = Math.min(all.length, Math.max(options.images, Math.ceil((options.seconds * 1000) / oneMs)));
    const images = all.slice(0, n);
    const prepared = [first];
    for (const im of images.slice(1)) prepared.push(await prepare(im));

    /** session.run over every prepared image; its summed time and the outputs. */
    const barePass = async () => {
      let ms = 0;
      const results = [];
      for (const p of prepared) {
        const r = await bare.run(p.feeds, decoder.outputNames);
        ms += r.inferenceMs;
        results.push(r);
      }
      return { ms, results };
    };
    const ratios: number[] = [];
    let inferMs = 0;
    let results: Awaited<ReturnType<typeof barePass>>['results'] = [];
    for (let round = 0; round < options.rounds; round++) {
      const b = await barePass();
      inferMs += b.ms;
      results = b.results;
      const pipe = await runPipeline(images, {
        session,
        decoder,
        preprocess: m.input,
        categoryIds,
        postprocess: BOARD_INFERENCE,
        warmup: 1,
        collect: false,
      });
      // Bare throughput counts session.run only.
      ratios.push(pipe.speed.fps / (n / (b.ms / 1000)));
    }
    inferMs /= options.rounds;
    // Decode + NMS in steady state: one untimed pass over every image's outputs lets the JIT
    // optimise the decoder (the first pass costs up to twice as much), then the median of five
    // timed ones (a single pass swings by a third on a loaded machine).
    const passMs: number[] = [];
    for (let pass = 0; pass <= DECODE_PASSES; pass++) {
      const t0 = performance.now();
      for (const [k, p] of prepared.entries()) {
        const ctx = {
          inputWidth: p.transform.inputWidth,
          inputHeight: p.transform.inputHeight,
          conf: BOARD_INFERENCE.conf,
          maxDet: BOARD_INFERENCE.maxDet,
          multiLabel: true,
        };
        const c = decoder.decode(results[k]!.outputs, ctx)[0]!;
        finalizeDetections(c, p.transform, categoryIds, p.id, BOARD_INFERENCE, noDrops());
        c.release?.();
      }
      if (pass > 0) passMs.push(performance.now() - t0);
    }
    const decodeMs = median(passMs);
    await session.release();
    await bare.release();
    console.log(
      `real ${real.manifest.family.padEnd(13)} ${real.id.padEnd(24)} ${String(n).padStart(3)} images | ` +
        `pipeline / bare, median of ${options.rounds}: ${f(median(ratios), 3)} (${ratios.map((r) => f(r, 3)).join(' ')}) | ` +
        `inference ${f(inferMs / n)} ms, decode + NMS ${f(decodeMs / n)} ms per image (${f((100 * decodeMs) / inferMs, 1)}% of inference; target < 10%)`,
    );
  }
}

/** Timed decode + NMS passes over a model's images, after an untimed one. */
const DECODE_PASSES = 5;

export const realBenchDefaults = { images: 16, seconds: 2, rounds: 5, threads: defaultCpuThreads() };
