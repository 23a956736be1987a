/**
 * The demo models: one entry per models/<id>/ folder. Each is a colour detector (see
 * colour-detector.ts) at a different point of the speed/accuracy trade-off, and each writes a
 * different output layout so that the runner's decoders all get exercised.
 */
import type { ModelFamily } from '../../schema/model-manifest.ts';
import type { ColourDetectorSpec } from './colour-detector.ts';

export interface DemoModel {
  id: string;
  name: string;
  family: ModelFamily;
  description: string;
  spec: ColourDetectorSpec;
  defaults: { conf: number; iou: number; maxDet: number };
  tags: string[];
  /** A score "published" for the model; measured once by us, to exercise the reported column. */
  reported?: { AP: number; AP50?: number; dataset: string; source: string };
  /** Notes shown on the model's page (Markdown). */
  readme: string;
}

const common = {
  tolerance: 0.3,
  sharpness: 60,
  fill: 0.5,
  defaults: { conf: 0.25, iou: 0.7, maxDet: 100 },
};

const HOW =
  'It finds objects by colour, inside the ONNX graph: a per-class colour mask (a 1×1 Conv and a ' +
  'sigmoid), the mask averaged over grid cells, and the extent of each run of filled cells measured ' +
  'with running maxima (Pad + Max doubling steps).';

export const DEMO_MODELS: readonly DemoModel[] = [
  {
    id: 'shapes-yolo-nano',
    name: 'Shapes YOLO-nano',
    family: 'yolov8',
    description:
      'Demo detector for the synthetic shapes dataset: 320 px input, 8 px grid, YOLOv8-style output. ' +
      'Fast and coarse; misses most small objects.',
    spec: {
      ...common,
      inputSize: 320,
      stride: 8,
      colourScale: 1,
      extents: 'two-pass',
      refine: false,
      head: { kind: 'yolov8' },
    },
    defaults: common.defaults,
    tags: ['demo', 'synthetic', 'real-time'],
    readme: `# Shapes YOLO-nano

A tiny, hand-built detector for the demo **shapes** dataset, generated in code by
\`src/lib/demo/models/\` (no training). ${HOW}

- Input 320×320, letterboxed; one grid cell per 8×8 input pixels (a 40×40 grid).
- Output in the YOLOv8 layout \`[1, 4 + 6, 1600]\` (cx, cy, w, h in input pixels, then one score per
  class); the runner applies NMS.
- Box edges snap to the 8-pixel grid, so boxes are loose and objects smaller than about two cells
  after letterboxing are missed: expect a low APs and a weak AP75.
`,
  },
  {
    id: 'shapes-e2e-small',
    name: 'Shapes E2E-S',
    family: 'end2end',
    description:
      'Demo detector for the synthetic shapes dataset: 480 px input, 4 px grid, NMS-free end-to-end ' +
      'output (peak picking and top-k inside the graph).',
    spec: {
      ...common,
      inputSize: 480,
      stride: 4,
      colourScale: 1,
      extents: 'two-pass',
      refine: false,
      head: { kind: 'end2end', topK: 100 },
    },
    defaults: common.defaults,
    tags: ['demo', 'synthetic', 'nms-free'],
    readme: `# Shapes E2E-S

A hand-built detector for the demo **shapes** dataset, generated in code by \`src/lib/demo/models/\`.
${HOW}

- Input 480×480, letterboxed; a 120×120 grid of 4-pixel cells.
- De-duplicates inside the graph: a cell is kept only where its score is the maximum of its 3×3
  neighbourhood, then the top 100 (class, cell) pairs become rows of \`[1, 100, 6]\`
  (x1, y1, x2, y2, score, class) — the layout of YOLOv10-style end-to-end models. No NMS afterwards.
- Box edges snap to the 4-pixel grid.
`,
  },
  {
    id: 'shapes-detr-medium',
    name: 'Shapes DETR-M',
    family: 'detr',
    description:
      'Demo detector for the synthetic shapes dataset: 640 px input, 4 px grid with sub-cell edges, ' +
      'DETR-style set output (100 queries, sigmoid logits).',
    spec: {
      ...common,
      inputSize: 640,
      stride: 4,
      colourScale: 2,
      extents: 'two-pass',
      refine: true,
      head: { kind: 'detr', queries: 100 },
    },
    defaults: common.defaults,
    tags: ['demo', 'synthetic', 'nms-free'],
    reported: {
      AP: 61.1,
      AP50: 81.6,
      dataset: 'shapes-val',
      source:
        'Measured once by the Podium maintainers with onnxruntime-node on the first 300 shapes images, ' +
        'using a centred letterbox (see the model notes)',
    },
    readme: `# Shapes DETR-M

A hand-built detector for the demo **shapes** dataset, generated in code by \`src/lib/demo/models/\`.
${HOW}

- Input 640×640, letterboxed; the colour test runs on 2×2 pixel means, which tames JPEG artefacts
  and quarters its cost.
- A 160×160 grid of 4-pixel cells; each box edge is moved by a fraction of a cell according to how
  full the boundary cells are, so boxes fit better than the grid.
- DETR-style outputs: \`boxes [1, 100, 4]\` (cx, cy, w, h normalised to the input) and
  \`logits [1, 100, 6]\` (sigmoid), one query per local maximum of the score map.
- The "reported" AP was measured by us with our own letterbox (centred, bilinear), which is why it
  can differ a little from the board's measurement.
`,
  },
  {
    id: 'shapes-yolo-large',
    name: 'Shapes YOLO-large',
    family: 'yolov8',
    description:
      'Demo detector for the synthetic shapes dataset: 800 px input, 4 px grid with sub-cell edges, ' +
      'YOLOv8-style output. The most accurate and the slowest of the demo models.',
    spec: {
      ...common,
      inputSize: 800,
      stride: 4,
      colourScale: 2,
      extents: 'two-pass',
      refine: true,
      head: { kind: 'yolov8' },
    },
    defaults: common.defaults,
    tags: ['demo', 'synthetic'],
    readme: `# Shapes YOLO-large

A hand-built detector for the demo **shapes** dataset, generated in code by \`src/lib/demo/models/\`.
${HOW}

- Input 800×800 (no downscaling for most images), colour test on 2×2 pixel means, a 200×200 grid
  of 4-pixel cells with sub-cell edges.
- YOLOv8 layout \`[1, 10, 40000]\`; every filled cell proposes the box of its object, and the
  runner's NMS keeps the best-centred one.
- Still only sees colour: orange and purple distractors fool it as they fool the others.
`,
  },
];
