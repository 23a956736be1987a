/**
 * Proof on real weights (issue 10 §3): every model of ../shared/real/models runs on the 128 real
 * images of ../shared/real/coco128 through the real runner (manifest parsed by the schema, YOLO
 * dataset converted by the dataset code, pipeline, decoder, shared post-processing, evaluator),
 * and its AP / AP50 must equal the values recorded below.
 *
 * The recorded values were established, and are re-checked on every run, by an independent
 * check: on the first images, a second plain implementation of each model's upstream
 * post-processing (reference-postprocess.ts), fed the raw outputs of onnxruntime directly, must
 * give the runner's detections box by box. coco128 is COCO train2017, so these figures sit above
 * the published val2017 AP; the suite also checks they stay in a plausible band around it.
 *
 * Skips with one printed line when ../shared/real is absent (a bare clone).
 */
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { yoloToCoco } from '../../src/lib/dataset/yolo.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from '../../src/lib/eval/load.ts';
import { buildClassMap } from '../../src/lib/runner/class-map.ts';
import { bindOptionsFor, getDecoder } from '../../src/lib/runner/decoders/index.ts';
import { runPipeline } from '../../src/lib/runner/pipeline.ts';
import type { CocoDetection } from '../../src/lib/runner/postprocess.ts';
import { preprocessImage } from '../../src/lib/runner/preprocess.ts';
import { createSession } from '../../src/lib/runner/session.ts';
import {
  COCO128_DIR,
  REAL_MODELS,
  REAL_MODELS_DIR,
  realMaterialMissing,
  realModelManifest,
} from '../support/real-models.ts';
import { referenceDetections } from './reference-postprocess.ts';

/**
 * AP and AP50 (percent) on the 128 images, as the runner measures them (see the header), each
 * closer than `within` points (0.05 unless said). Float models have matched to 0.01 on every
 * CPU seen; dynamic-int8 ones move with the instruction set (YOLO26n's AP50: 61.94 on one CI
 * runner, 61.86 on an AVX2-only AMD EPYC), most likely because onnxruntime's u8×s8 kernels sum
 * pairs into saturating 16-bit integers on AVX2 and not with VNNI. The box-by-box check below
 * compares against the same session's raw outputs, so it stays exact on any machine.
 */
const RECORDED: Record<string, { AP: number; AP50: number; within?: number }> = {
  'yolov8n-int8': { AP: 43.7, AP50: 59.13, within: 0.2 },
  'yolo26n-int8': { AP: 46.32, AP50: 61.9, within: 0.2 },
  'yolox-nano': { AP: 33.05, AP50: 50.01 },
  'nanodet-plus-m-1-5x-416': { AP: 30.1, AP50: 46.69 },
  'deimv2-atto': { AP: 30.8, AP50: 42.85 },
  fastestdet: { AP: 20.61, AP50: 33.12 },
};
/** Images compared box by box with the reference implementation. */
const CHECKED_IMAGES = 3;

const missing = await realMaterialMissing();
if (missing) console.log(missing);

let gt: Awaited<ReturnType<typeof yoloToCoco>>['gt'];
beforeAll(async () => {
  if (missing) return;
  gt = (await yoloToCoco({ root: COCO128_DIR, dataYaml: 'data.yaml', split: 'val', label: 'coco128' })).gt;
});

describe.skipIf(missing !== undefined)('real detectors on coco128', () => {
  it('records a value for every model present, and a model for every value', () => {
    expect(REAL_MODELS.map((m) => m.id).sort()).toEqual(Object.keys(RECORDED).sort());
    expect(gt.images).toHaveLength(128);
  });

  for (const real of REAL_MODELS) {
    it(`${real.id} (${real.manifest.family}): AP and AP50 as recorded, boxes as the upstream post-processing`, async () => {
      const m = realModelManifest(real);
      const file = REAL_MODELS_DIR + real.file;
      const session = await createSession(file, { allowSpinning: false, file });
      const byImage = new Map<number, CocoDetection[]>();
      try {
        const decoder = getDecoder(m.family).bind(session.outputs, bindOptionsFor(m, file));
        const classMap = buildClassMap(m.classes, gt.categories, { file });
        const result = await runPipeline(
          gt.images.map((im) => ({ id: im.id, source: COCO128_DIR + im.file_name, file: im.file_name })),
          {
            session,
            decoder,
            preprocess: m.input,
            categoryIds: classMap.categoryIds,
            postprocess: { conf: 0.001, iou: 0.7, maxDet: 100 },
            file,
            onImage: (r) => {
              byImage.set(r.imageId, r.detections ?? []);
            },
          },
        );
        expect(result.failures).toEqual([]);
        expect(result.dropped.nonFinite).toBe(0);

        const g = gtFromJson(gt as never, 'coco128', 'gt');
        const { stats } = evaluateCoco(
          g,
          detectionsFromJson(result.detections as never, real.id, 'dt', g),
        ).summary;
        const measured = { AP: round2(stats.AP * 100), AP50: round2(stats.AP50 * 100) };
        console.log(
          `${real.id}: AP ${measured.AP} AP50 ${measured.AP50} on coco128 (published val2017 AP ${real.published.AP})`,
        );
        const recorded = RECORDED[real.id]!;
        const within = recorded.within ?? 0.05;
        expect(Math.abs(measured.AP - recorded.AP)).toBeLessThan(within);
        expect(Math.abs(measured.AP50 - recorded.AP50)).toBeLessThan(within);
        // Training images: above the published val2017 AP, but not implausibly so.
        expect(measured.AP).toBeGreaterThan(real.published.AP * 0.8);
        expect(measured.AP).toBeLessThan(real.published.AP * 1.6);
      } finally {
        await session.release();
      }

      // The independent check, on the first images.
      const ref = await ort.InferenceSession.create(file);
      try {
        const idOf = new Map(classMap80().map((id, i) => [i, id]));
        for (const im of gt.images.slice(0, CHECKED_IMAGES)) {
          const prepared = await preprocessImage(COCO128_DIR + im.file_name, m.input);
          const t = prepared.transform;
          const feeds: Record<string, ort.Tensor> = {
            [ref.inputNames.find((n) => n !== 'orig_target_sizes')!]: new ort.Tensor(
              'float32',
              prepared.data as Float32Array,
              [1, 3, t.inputHeight, t.inputWidth],
            ),
          };
          if (ref.inputNames.includes('orig_target_sizes')) {
            feeds['orig_target_sizes'] = new ort.Tensor(
              'int64',
              BigInt64Array.from([BigInt(t.originalWidth), BigInt(t.originalHeight)]),
              [1, 2],
            );
          }
          const raw = await ref.run(feeds);
          const outputs = Object.fromEntries(
            Object.entries(raw).map(([k, v]) => [
              k,
              { dims: v.dims, data: Array.from(v.data as ArrayLike<number | bigint>, Number) },
            ]),
          );
          const expected = referenceDetections(real.id, outputs, t);
          const got = byImage.get(im.id)!;
          expect(got.length, `${real.id}, ${im.file_name}: detections`).toBe(expected.length);
          const unmatched = expected.filter(
            (e) =>
              !got.some(
                (d) =>
                  d.category_id === idOf.get(e.cls) &&
                  Math.abs(d.score - e.score) < 1e-4 &&
                  Math.abs(d.bbox[0] - e.box[0]) < 0.01 &&
                  Math.abs(d.bbox[1] - e.box[1]) < 0.01 &&
                  Math.abs(d.bbox[0] + d.bbox[2] - e.box[2]) < 0.01 &&
                  Math.abs(d.bbox[1] + d.bbox[3] - e.box[3]) < 0.01,
              ),
          );
          expect(unmatched, `${real.id}, ${im.file_name}: reference boxes the runner lacks`).toEqual([]);
        }
      } finally {
        await ref.release();
      }
    }, 600_000);
  }
});

const round2 = (x: number) => Math.round(x * 100) / 100;

/** COCO category id per 80-class index (coco128's ids are the class index + 1 in the YOLO layout). */
function classMap80(): number[] {
  return Array.from({ length: 80 }, (_, i) => gt.categories[i]!.id);
}
