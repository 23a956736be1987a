/**
 * The example manifest shown on the "submit a model" page. A unit test validates it against the
 * model schema, so the example cannot drift from what the board accepts.
 */
export const EXAMPLE_MANIFEST = `# yaml-language-server: $schema=../../schema/model.schema.json
id: yolov8n-coco
name: YOLOv8n
family: yolov8
description: The smallest YOLOv8 detector, trained on COCO train2017.
weights:
  url: https://example.org/models/yolov8n.onnx
  sha256: 3f5a9c2b7d1e4a6f8b0c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a
  bytes: 12851726
input:
  size: [640, 640]
  colour: RGB
  resize: letterbox
classes: coco80
params: 3151904
gflops: 8.7
license: AGPL-3.0-only
paper: https://arxiv.org/abs/2305.09972
code: https://github.com/ultralytics/ultralytics
reported:
  AP: 37.3
  dataset: coco-val2017
  source: https://docs.ultralytics.com/models/yolov8/
defaults:
  conf: 0.25
  iou: 0.7
tags: [real-time]
authors: [Ultralytics]
`;
