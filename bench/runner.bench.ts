/**
 * Runner benchmark: is the pipeline (decode + resize + normalise + inference + decode + NMS)
 * close to bare session.run throughput on the same inputs? Overlap should hide most of the
 * image work behind inference; the target is pipeline fps within 10% of bare fps.
 *
 *   npm run bench:runner -- [--images 48] [--size 640] [--batch 1] [--prefetch 2] [--threads N|0]
 *                           [--rounds 5] [--spin] [--in-process] [--real-images 16] [--real-seconds 2]
 *
 * Builds a small YOLOv8-shaped conv net in code (random fixed weights), writes N synthetic JPEGs
 * (640x480 and 480x640), then alternates, for a few rounds, the pipeline on them and bare
 * session.run on tensors prepared beforehand, and prints both. onnxruntime's thread spinning is
 * off unless --spin (spinning threads starve the image work the pipeline overlaps).
 *
 * Then one real model per family present in ../shared/real (bench/real-families.ts): the same
 * ratio on coco128 images (enough of them for --real-seconds of bare inference per pass, at least
 * --real-images), and each family's decode + NMS time per image against inference.
 *
 * On a shared machine wall-clock throughput swings with other processes' load; the CPU time per
 * image (all threads) is printed too, as the load-independent cost of the pipeline's extra work.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { attr, ModelBuilder } from '../src/lib/onnx/builder.ts';
import { COCO80 } from '../src/lib/runner/class-map.ts';
import { getDecoder } from '../src/lib/runner/decoders/index.ts';
import { type PipelineImage, runPipeline } from '../src/lib/runner/pipeline.ts';
import { preprocessImage, stackBatch } from '../src/lib/runner/preprocess.ts';
import { createSession, defaultCpuThreads, type FeedTensor } from '../src/lib/runner/session.ts';
import { summarise } from '../src/lib/runner/stats.ts';
import { mulberry32 } from '../src/lib/util/prng.ts';
import { benchRealFamilies, median, realBenchDefaults } from './real-families.ts';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '48' },
    size: { type: 'string', default: '640' },
    batch: { type: 'string', default: '1' },
    prefetch: { type: 'string', default: '2' },
    // Default: the runner's own choice on CPU (every core but one); 0 = onnxruntime's (all cores).
    threads: { type: 'string', default: String(defaultCpuThreads()) },
    rounds: { type: 'string', default: '5' },
    spin: { type: 'boolean', default: false },
    'in-process': { type: 'boolean', default: false },
    // Fewest images of coco128 per real model (issue 10 §4); 0 skips the real models.
    'real-images': { type: 'string', default: String(realBenchDefaults.images) },
    // Seconds of bare inference per pass the real models' image counts are chosen for.
    'real-seconds': { type: 'string', default: String(realBenchDefaults.seconds) },
  },
});
const N = Number(args.images);
const S = Number(args.size);
const batch = Number(args.batch);
const prefetch = Number(args.prefetch);
const threads = Number(args.threads);
const rounds = Number(args.rounds);
const spin = args.spin;
const worker = !args['in-process'];

const rng = mulberry32;

/**
 * Stride-8 backbone of 3x3 convs (about 2.5 GFLOPs at 640, a third of YOLOv8n) and a 1x1 head:
 * output [B, 84, (S/8)^2] like YOLOv8's (cx cy w h in input pixels, 80 class scores).
 */
function buildModel(size: number): Uint8Array {
  const r = rng(42);
  const b = new ModelBuilder().input('images', 'float32', ['batch', 3, size, size]);
  const widths = [3, 16, 32, 64, 64, 64, 64, 64, 64];
  let x = 'images';
  for (let i = 1; i < widths.length; i++) {
    const [cin, cout] = [widths[i - 1]!, widths[i]!];
    const w = Float32Array.from({ length: cout * cin * 9 }, () => (r() - 0.5) * 2 * Math.sqrt(6 / (cin * 9)));
    b.initializer(`w${i}`, w, [cout, cin, 3, 3]).initializer(`b${i}`, new Float32Array(cout), [cout]);
    const stride = i <= 3 ? 2 : 1;
    b.node('Conv', [x, `w${i}`, `b${i}`], [`c${i}`], {
      pads: attr.ints([1, 1, 1, 1]),
      strides: attr.ints([stride, stride]),
    });
    b.node('Relu', [`c${i}`], [`r${i}`]);
    x = `r${i}`;
  }
  const ch = 84;
  const wh = Float32Array.from({ length: ch * 64 }, () => (r() - 0.5) * 4);
  // Box channels centred mid-image and class logits biased low, so a realistic few thousand
  // candidates pass conf 0.001 rather than all of them.
  const bias = Float32Array.from({ length: ch }, (_, c) => (c < 4 ? 0 : -12));
  b.initializer('wh', wh, [ch, 64, 1, 1]).initializer('bh', bias, [ch]);
  b.node('Conv', [x, 'wh', 'bh'], ['head']);
  b.initializer('shape', new BigInt64Array([0n, BigInt(ch), -1n]), [3]);
  b.node('Reshape', ['head', 'shape'], ['flat']);
  b.initializer('split', new BigInt64Array([4n, 80n]), [2]);
  b.node('Split', ['flat', 'split'], ['box', 'cls'], { axis: attr.int(1) });
  b.node('Sigmoid', ['box'], ['box_s']).initializer('scale', new Float32Array([size]), [1]);
  b.node('Mul', ['box_s', 'scale'], ['box_px']);
  b.node('Sigmoid', ['cls'], ['cls_s']);
  b.node('Concat', ['box_px', 'cls_s'], ['output0'], { axis: attr.int(1) });
  b.output('output0', 'float32', ['batch', ch, (size / 8) ** 2]);
  return b.toBytes();
}

async function writeImages(dir: string, n: number): Promise<PipelineImage[]> {
  const r = rng(7);
  const out: PipelineImage[] = [];
  for (let i = 0; i < n; i++) {
    const [w, h] = i % 3 === 2 ? [480, 640] : [640, 480];
    const px = Buffer.alloc(w * h * 3);
    // Smooth gradients plus noise: JPEG-compressible like photos, not flat like a blank image.
    const [a, bb, c] = [r() * 255, r() * 255, r() * 255];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        px[o] = (a + x / 3 + r() * 20) & 255;
        px[o + 1] = (bb + y / 3 + r() * 20) & 255;
        px[o + 2] = (c + (x + y) / 5 + r() * 20) & 255;
      }
    }
    const file = join(dir, `img${i}.jpg`);
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file);
    out.push({ id: i, source: file });
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), 'podium-bench-'));
try {
  const images = await writeImages(dir, N);
  const model = buildModel(S);
  const sessionOptions = { ...(threads > 0 ? { intraOpNumThreads: threads } : {}), allowSpinning: spin };
  const session = await createSession(model, { ...sessionOptions, worker });
  // Bare runs use an in-process session: no worker messaging, nothing else running.
  const bareSession = await createSession(model, { ...sessionOptions, worker: false });
  const decoder = getDecoder('yolov8').bind(session.outputs, { numClasses: 80 });
  const preprocess = { size: [S, S] as const };
  const categoryIds = Int32Array.from(COCO80, (c) => c.id);

  // Bare: the same images prepared up front, then only session.run.
  const tensors: FeedTensor[] = [];
  for (let i = 0; i < N; i += batch) {
    const prepared = await Promise.all(
      images.slice(i, i + batch).map((im) => preprocessImage(im.source, preprocess)),
    );
    const { data, dims } = stackBatch(prepared);
    tensors.push({ data, dims });
  }
  for (let i = 0; i < 3; i++) await bareSession.run({ images: tensors[0]! });
  // How many (anchor, class) candidates pass conf 0.001: the NMS load per image.
  const sample = await bareSession.run({ images: tensors[0]! });
  const candidates = decoder.decode(sample.outputs, {
    inputWidth: S,
    inputHeight: S,
    conf: 0.001,
    maxDet: 100,
    multiLabel: true,
  });

  /** CPU time of the whole process (all threads: onnxruntime's, libuv's, workers') per image. */
  const cpuPerImage = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000 / N;
  };

  async function bareRound(on = bareSession) {
    const perBatch: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const t of tensors) {
      const ts = performance.now();
      await on.run({ images: t });
      perBatch.push(performance.now() - ts);
    }
    return {
      fps: N / ((performance.now() - t0) / 1000),
      inference: summarise(perBatch.map((ms) => ms / batch)),
      cpuMs: cpuPerImage(cpu0),
    };
  }

  // Rounds alternate pipeline and bare so that load from other processes hits both alike.
  const f = (x: number) => x.toFixed(2);
  const ratios: number[] = [];
  let env: Awaited<ReturnType<typeof runPipeline>>['environment'] | undefined;
  for (let round = 1; round <= rounds; round++) {
    const cpu0 = process.cpuUsage();
    const pipe = await runPipeline(images, {
      session,
      decoder,
      preprocess,
      categoryIds,
      batchSize: batch,
      prefetch,
      warmup: 2,
    });
    const pipeCpuMs = cpuPerImage(cpu0);
    const bare = await bareRound();
    // The pipeline's own session, fed the prepared tensors back to back (copies, no transfer).
    const bareSame = worker ? await bareRound(session) : undefined;
    env = pipe.environment;
    const s = pipe.speed;
    ratios.push(s.fps / bare.fps);
    console.log(
      `round ${round}: pipeline ${f(s.fps)} img/s (preprocess ${f(s.preprocessMs.mean)} ms, inference mean ${f(s.inferenceMs.mean)} ` +
        `p50 ${f(s.inferenceMs.p50)} p90 ${f(s.inferenceMs.p90)} p99 ${f(s.inferenceMs.p99)} ms, postprocess ${f(s.postprocessMs.mean)} ms, ` +
        `peak RSS ${s.peakRssMb.toFixed(0)} MB) | bare ${f(bare.fps)} img/s (inference mean ${f(bare.inference.mean)} ` +
        `p50 ${f(bare.inference.p50)} p99 ${f(bare.inference.p99)} ms)` +
        (bareSame ? ` | bare on the worker session ${f(bareSame.fps)} img/s` : '') +
        ` | ratio ${(s.fps / bare.fps).toFixed(3)} | CPU per image: pipeline ${f(pipeCpuMs)} ms, bare ${f(bare.cpuMs)} ms`,
    );
  }
  await session.release();
  await bareSession.release();
  console.log(
    `runner bench: ${N} images 640x480 → ${S}x${S}, batch ${batch}, prefetch ${prefetch}, threads ${threads || 'default'}, ` +
      `spinning ${spin ? 'on' : 'off'}, session ${worker ? 'on a worker' : 'in-process'}, ${candidates[0]!.scores.length} candidates/image; ${env?.cpu} (${env?.cpuCount} cpus), ` +
      `onnxruntime ${env?.onnxruntime}, node ${env?.node}`,
  );
  console.log(
    `pipeline / bare throughput, median of ${rounds} rounds: ${median(ratios).toFixed(3)} (target >= 0.90)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

// One real model per family present in ../shared/real: pipeline / bare and decode time per image.
if (Number(args['real-images']) > 0) {
  await benchRealFamilies({
    images: Number(args['real-images']),
    seconds: Number(args['real-seconds']),
    rounds,
    threads: threads || defaultCpuThreads(),
  });
}
