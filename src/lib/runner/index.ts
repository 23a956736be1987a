/**
 * The runner's public surface, for the orchestrator (`podium run`):
 *
 *   const session = await createSession(weightsPath, { device, logger, file: weightsPath });
 *   const decoder = getDecoder(manifest.family, manifestPath)
 *     .bind(session.outputs, { numClasses, file: weightsPath });
 *   const { categoryIds } = buildClassMap(manifest.classes, dataset.categories, { file: annotationsPath });
 *   const result = await runPipeline(images, {
 *     session, decoder, preprocess: manifest.input, categoryIds,
 *     postprocess: { conf, iou, maxDet }, signal, onImage, logger,
 *   });
 *   await session.release();
 *
 * Before creating the session, inspectModel + assertStandardOps (src/lib/onnx/inspect.ts) refuse
 * models with custom operators with a clear message.
 */
export type { ImageTransform } from './boxes.ts';
export { buildClassMap, type Category, type ClassMap, COCO80, modelClassNames } from './class-map.ts';
export {
  type BindOptions,
  type BoundDecoder,
  type Candidates,
  type Decoder,
  FAMILIES,
  type Family,
  getDecoder,
  type LogitActivation,
} from './decoders/index.ts';
export type { RunEnvironment } from './environment.ts';
export type { Logger } from './logger.ts';
export { NMS_DEFAULTS, type NmsOptions, nms } from './nms.ts';
export {
  type ImageFailure,
  type ImageResult,
  type PipelineImage,
  type PipelineOptions,
  type PipelineResult,
  runPipeline,
  type SpeedSummary,
} from './pipeline.ts';
export type { CocoDetection } from './postprocess.ts';
export { type PreprocessOptions, preprocessImage } from './preprocess.ts';
export {
  createSession,
  type Device,
  type FeedTensor,
  type ModelSession,
  type SessionOptions,
} from './session.ts';
export type { TimingStats } from './stats.ts';
