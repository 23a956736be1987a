/**
 * The real third-party detectors of ../shared/real/models (see its README) and the manifests
 * Podium runs them with: inputs and decoders declared exactly as each author's own pre- and
 * post-processing. Test material only: the files are read in place, never copied (two of them are
 * AGPL-3.0 Ultralytics exports).
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelManifest, type ModelManifestInput } from '../../src/lib/schema/model-manifest.ts';

export const REAL_DIR = fileURLToPath(new URL('../../../shared/real/', import.meta.url));
export const REAL_MODELS_DIR = `${REAL_DIR}models/`;
export const COCO128_DIR = `${REAL_DIR}coco128/`;

/** What a real model needs beyond its weights: the manifest fields that change outputs. */
export type RealManifest = Pick<ModelManifestInput, 'family' | 'input' | 'classes'> & {
  decoder?: ModelManifestInput['decoder'];
};

export interface RealModel {
  id: string;
  file: string;
  manifest: RealManifest;
  /** Published COCO val2017 AP (percent) and where it is from, for the plausibility check. */
  published: { AP: number; source: string };
}

export const REAL_MODELS: readonly RealModel[] = [
  {
    id: 'yolov8n-int8',
    file: 'yolov8n_coco_640_int8_dyn.onnx',
    manifest: { family: 'yolov8', input: { size: [640, 640] }, classes: 'coco80' },
    published: { AP: 37.3, source: 'https://docs.ultralytics.com/models/yolov8/ (fp32)' },
  },
  {
    id: 'yolo26n-int8',
    file: 'yolo26n_coco_640_int8_dyn_end2end.onnx',
    manifest: { family: 'end2end', input: { size: [640, 640] }, classes: 'coco80' },
    published: { AP: 40.9, source: 'https://docs.ultralytics.com/models/yolo26/ (fp32)' },
  },
  {
    id: 'yolox-nano',
    file: 'yolox_nano_coco_416.onnx',
    manifest: {
      family: 'yolox',
      input: { size: [416, 416], colour: 'BGR', scale: 1, placement: 'top-left', padValue: 114 },
      classes: 'coco80',
    },
    published: { AP: 25.8, source: 'https://github.com/Megvii-BaseDetection/YOLOX#light-models' },
  },
  {
    id: 'nanodet-plus-m-1-5x-416',
    file: 'opencv_zoo_object_detection_nanodet_2022nov.onnx',
    manifest: {
      family: 'nanodet',
      input: {
        size: [416, 416],
        colour: 'BGR',
        scale: 1,
        mean: [103.53, 116.28, 123.675],
        std: [57.375, 57.12, 58.395],
        padValue: 0,
      },
      classes: 'coco80',
    },
    published: { AP: 34.1, source: 'https://github.com/RangiLyu/nanodet#model-zoo' },
  },
  {
    id: 'deimv2-atto',
    file: 'deimv2_hgnetv2_atto_coco_320.onnx',
    manifest: {
      family: 'postprocessed',
      decoder: { boxFormat: 'xyxy', boxSpace: 'original', labelIndex: 'zero-based' },
      input: {
        size: [320, 320],
        resize: 'stretch',
        name: 'images',
        extra: [{ name: 'orig_target_sizes', value: 'original-size', order: 'wh', dtype: 'int64' }],
      },
      classes: 'coco80',
    },
    published: { AP: 23.8, source: 'https://github.com/Intellindust-AI-Lab/DEIMv2#model-zoo' },
  },
  {
    id: 'fastestdet',
    file: 'fastestdet_coco_352.onnx',
    manifest: {
      family: 'fastestdet',
      input: { size: [352, 352], resize: 'stretch', colour: 'BGR' },
      classes: 'coco80',
    },
    published: { AP: 13.0, source: 'https://github.com/dog-qiuqiu/FastestDet#evaluating (mAP 0.5:0.95)' },
  },
];

/** The one line a suite prints when the real material is absent, or undefined when it is there. */
export async function realMaterialMissing(): Promise<string | undefined> {
  try {
    await access(REAL_MODELS_DIR);
    await access(`${COCO128_DIR}data.yaml`);
    return undefined;
  } catch {
    return `skipped: ${REAL_DIR} (real detectors and coco128) is absent`;
  }
}

/** The full manifest a real model runs under (the fields above, plus the ones every model needs). */
export function realModelManifest(real: RealModel): ModelManifest {
  return ModelManifest.parse({
    id: real.id,
    name: real.id,
    weights: { path: real.file },
    license: 'LicenseRef-test-material',
    ...real.manifest,
  });
}
