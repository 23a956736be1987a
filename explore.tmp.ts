import { readdir } from 'node:fs/promises';
import { yoloToCoco } from './src/lib/dataset/yolo.ts';
import { evaluateCoco } from './src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from './src/lib/eval/load.ts';
import { buildClassMap } from './src/lib/runner/class-map.ts';
import { bindOptionsFor, getDecoder } from './src/lib/runner/decoders/index.ts';
import { runPipeline } from './src/lib/runner/pipeline.ts';
import { createSession } from './src/lib/runner/session.ts';
import { ModelManifest } from './src/lib/schema/model-manifest.ts';
import { COCO128_DIR, REAL_MODELS, REAL_MODELS_DIR } from './tests/support/real-models.ts';

const { gt } = await yoloToCoco({ root: COCO128_DIR, dataYaml: 'data.yaml', split: 'val', label: 'coco128' });
const limit = Number(process.argv[2] ?? 128);
const only = process.argv[3];
const images = gt.images.slice(0, limit);
const gtSub = { ...gt, images, annotations: gt.annotations.filter((a) => images.some((i) => i.id === a.image_id)) };
for (const rm of REAL_MODELS) {
  if (only && rm.id !== only) continue;
  const m = ModelManifest.parse({ id: 'x-' + 'y', name: rm.id, weights: { path: 'm.onnx' }, license: 'MIT', ...rm.manifest });
  const session = await createSession(REAL_MODELS_DIR + rm.file, { allowSpinning: false, intraOpNumThreads: 1 });
  console.log(rm.id, JSON.stringify(session.inputs), JSON.stringify(session.outputs));
  const decoder = getDecoder(m.family).bind(session.outputs, bindOptionsFor(m));
  const classMap = buildClassMap(m.classes, gt.categories, {});
  const t0 = performance.now();
  const r = await runPipeline(images.map((im) => ({ id: im.id, source: COCO128_DIR + im.file_name })), {
    session, decoder, preprocess: m.input, categoryIds: classMap.categoryIds,
    postprocess: { conf: 0.001, iou: 0.7, maxDet: 100 },
  });
  const g = gtFromJson(gtSub as never, 'gt', 'x');
  const ev = evaluateCoco(g, detectionsFromJson(r.detections as never, 'dt', 'y', g));
  console.log(rm.id, 'AP', (ev.summary.stats.AP*100).toFixed(2), 'AP50', (ev.summary.stats.AP50*100).toFixed(2), 'dets', r.detections.length, 'failures', r.failures.length, 'dropped', JSON.stringify(r.dropped), 's', ((performance.now()-t0)/1000).toFixed(1), 'inf p50', r.speed.inferenceMs.p50?.toFixed(1), 'post p50', r.speed.postprocessMs.p50?.toFixed(2));
  await session.release();
}
