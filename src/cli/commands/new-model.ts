import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertStandardOps, inspectModel } from '../../lib/onnx/inspect.ts';
import { MAX_WEIGHTS_BYTES } from '../../lib/policy/limits.ts';
import { proposeFromSignature, type SignatureProposal } from '../../lib/runner/signature.ts';
import { formatBytes, Slug } from '../../lib/schema/common.ts';
import { FAMILIES } from '../../lib/schema/model-manifest.ts';
import { UserError } from '../../lib/util/errors.ts';
import { exists } from '../../lib/util/fs.ts';
import { sha256Bytes } from '../../lib/util/hash.ts';
import { defineCommand, defineOptions, type OptionValues, resolveRoot, rootOption } from '../spec.ts';

const options = defineOptions({
  family: {
    type: 'choice',
    choices: FAMILIES,
    arg: 'F',
    defaultText: `proposed from --weights when its signature is recognised, else ${FAMILIES[0]}`,
    help: 'output decoder family',
  },
  weights: {
    type: 'string',
    arg: 'FILE',
    help: `your local ONNX file: fills in weights.sha256 and weights.bytes, and checks it
uses only standard ONNX operators (you still give the https URL it is hosted at)`,
  },
  root: rootOption,
});
export type NewModelOptions = OptionValues<typeof options>;

/** Marks every value a contributor must replace; `podium pr-check` refuses a manifest still holding one. */
export const PLACEHOLDER = 'TODO(';

const FAMILY_NOTES: Record<(typeof FAMILIES)[number], string> = {
  yolov8: 'YOLOv8 / YOLO11 / YOLO12: one output [1, 4 + classes, anchors], NMS applied by Podium',
  yolov5: 'YOLOv5 / YOLOv7: one output [1, N, 5 + classes] with objectness, NMS applied by Podium',
  end2end:
    'YOLOv10, YOLO26 or any model exported with NMS inside: one output [1, N, 6] x1 y1 x2 y2 score class',
  detr: 'RT-DETR, D-FINE, DEIM, RF-DETR, DETR: boxes [1, Q, 4] (cx cy w h, 0-1) and logits [1, Q, C]',
  yolox: 'YOLOX: one raw grid output [1, cells, 5 + classes] over strides 8/16/32, NMS applied by Podium',
  nanodet: 'NanoDet-Plus: per level a class map [1, N, classes] and a GFL distribution map [1, N, 32]',
  fastestdet: 'FastestDet: one grid [1, 5 + classes, H, W] (objectness, tanh offsets, sigmoid sizes)',
  postprocessed:
    'exports with their own NMS / top-k (DETR two-input exports, TF OD API, ONNX Model Zoo): boxes, scores, labels',
};

export interface ScaffoldOptions {
  readonly id: string;
  readonly family?: string | undefined;
  /** Input and decoder fields recognised from the weights' signature. */
  readonly proposal?: SignatureProposal | undefined;
  /** Filled in from a local ONNX file; placeholders otherwise. */
  readonly sha256?: string | undefined;
  readonly bytes?: number | undefined;
}

/** The text of models/<id>/model.yaml. */
export function scaffoldModelYaml(options: ScaffoldOptions): string {
  const proposal = options.proposal;
  const family = options.family ?? proposal?.family ?? FAMILIES[0];
  const families = FAMILIES.map((f) => `#   ${f.padEnd(8)} ${FAMILY_NOTES[f]}`).join('\n');
  const sha256 =
    options.sha256 ?? `"${PLACEHOLDER}sha256): 64 hex characters, the output of sha256sum model.onnx"`;
  const bytes =
    options.bytes ?? `"${PLACEHOLDER}bytes): size of the file in bytes, e.g. from stat -c %s model.onnx"`;
  const text = `# yaml-language-server: $schema=../../schema/model.schema.json
#
# Podium model manifest. Replace every value marked TODO, delete the optional fields you do not
# need (they are commented out), then check it with:
#   npx podium validate models/${options.id}
# CONTRIBUTING.md walks through each step. Your editor validates this file as you type if it has
# the YAML language server (the comment on the first line points it at the schema).

# Model id: must equal this folder's name. Lowercase letters, digits and "-", 2 to 64 characters.
id: ${options.id}

# Name shown on the leaderboard, e.g. "YOLOv8n" or "RT-DETR-R18". Plain text, at most 100 characters.
name: "${PLACEHOLDER}name): display name"

# How Podium reads the model's outputs (one decoder per family). One of:
${families}
family: ${family}

# Only for family detr: "sigmoid" (RT-DETR, D-FINE, DEIM, RF-DETR; the default) or "softmax" when
# the logits end in a "no object" class (the original DETR).
# decoder:
#   activation: sigmoid

# One or two sentences about the model (plain text; HTML is shown as text, not rendered).
# description: Real-time detector trained on COCO train2017.

# The ONNX file, downloaded by the benchmark over https and checked against its sha256 before use.
# Host it somewhere stable (a GitHub release asset, Hugging Face, Zenodo). At most ${formatBytes(MAX_WEIGHTS_BYTES)}.
weights:
  url: "${PLACEHOLDER}url): https:// link to the .onnx file"
  sha256: ${sha256}
  bytes: ${bytes}

# No ONNX file published, only a PyTorch checkpoint? Leave weights out and give the recipe the
# board's export workflow runs (pinned environment, command as a list of arguments, never a shell);
# the model is listed as "awaiting export" until the workflow pins the file. See CONTRIBUTING.md.
# export:
#   checkpoint: { url: https://github.com/.../model.pt, file: model.pt }
#   exporter: { package: ultralytics, version: 8.4.190 }   # or { repository: https://..., commit: <40 hex> }
#   python: "3.11"
#   requirements: [torch==2.5.1, onnx==1.17.0]
#   command: [yolo, export, model=model.pt, format=onnx, opset=17]
#   opset: 17
#   output: model.onnx

# Preprocessing: how an image becomes the input tensor. The values below are Podium's defaults
# (those of Ultralytics YOLO exports); change only what your model does differently.
input:
  # Fixed input size [height, width] in pixels. Give exactly one of size and the three below.
  size: [640, 640]
  # A model with dynamic input: longest side resized to maxSize, padded to a multiple of stride.
  # dynamic: { maxSize: 640, stride: 32 }
  # Two-stage detectors: shorter side to size, longer side at most maxSize, padded to stride.
  # shorterSide: { size: 800, maxSize: 1333, stride: 32 }
  # The image at its own size, when the graph resizes it itself (TF Object Detection API exports).
  # asIs: true
  # letterbox keeps the aspect ratio and pads with padValue; stretch resizes each side independently.
  resize: letterbox
  # Where the padded image sits: centre (Ultralytics) or top-left (YOLOX, maskrcnn-benchmark).
  # placement: centre
  # Grey level (0-255) of the letterbox padding, before normalisation.
  padValue: 114
  # Padding in the normalised tensor instead (maskrcnn-benchmark: 0 after subtracting the mean).
  # padTensorValue: 0
  # Resampling kernel: linear (default), cubic, nearest or lanczos3.
  # kernel: linear
  # Channel order the model expects: RGB or BGR.
  colour: RGB
  # Pixels (0-255) are multiplied by scale, then mean is subtracted and the result divided by std,
  # per channel. ImageNet normalisation is scale: 0.00392156862745098, mean: [0.485, 0.456, 0.406],
  # std: [0.229, 0.224, 0.225].
  scale: 0.00392156862745098
  mean: [0, 0, 0]
  std: [1, 1, 1]
  # Element type of the input tensor: float32, float16, or uint8 (the pixel bytes; needs scale: 1).
  dtype: float32
  # Tensor layout: NCHW (batch, channels, height, width), NHWC (TensorFlow) or CHW (no batch dim).
  layout: NCHW
  # The image input's name, needed only when the model has several inputs not listed in extra.
  # name: images
  # Inputs besides the image that Podium fills for each image, e.g. the DETR exports' original size:
  # extra:
  #   - { name: orig_target_sizes, value: original-size, order: wh, dtype: int64 }

# Class names in the order the model outputs them, matched to the dataset's categories by name;
# "coco80" means COCO's usual 80 labels (person, bicycle, car, ...).
classes: coco80

# SPDX id of the weights' licence (Apache-2.0, MIT, AGPL-3.0-only, CC-BY-4.0, ...) or LicenseRef-<name>.
license: "${PLACEHOLDER}license): SPDX licence id"

# Optional facts shown on the model page.
# params: 3200000          # number of parameters
# gflops: 8.7              # GFLOPs per image at the input size
# paper: https://arxiv.org/abs/...
# code: https://github.com/...
# authors:
#   - Your Name or Organisation

# Optional: the score the authors published, shown beside Podium's measurement (percent, as
# papers print it: 37.3, not 0.373).
# reported:
#   AP: 37.3
#   AP50: 52.9
#   dataset: coco-val2017
#   source: https://github.com/.../README.md

# Optional: the thresholds the authors recommend for deployment. Informative only: the board
# scores every model with the same settings.
# defaults:
#   conf: 0.25
#   iou: 0.7
#   maxDet: 300

# Optional lowercase tags for filtering on the site, e.g. real-time, transformer.
# tags:
#   - real-time

# Keep the model off the public board (it is still validated).
hidden: false

# Only the demo's own manifests, whose files \`podium demo\` builds, carry this; leave it out:
# generatedBy: podium demo
`;
  return proposal ? applyProposal(text, proposal) : text;
}

/** The text of models/<id>/README.md. */
export function scaffoldReadme(id: string): string {
  return `# ${id}

<!--
Notes shown on the model's page, rendered as Markdown: headings, lists, links (https), tables and
code. Raw HTML, images and scripts are removed. Replace the TODOs; keep it short and factual.
-->

TODO: one paragraph on what this model is and where it comes from.

## Source

- Weights: TODO (link to the release the ONNX file comes from)
- Training data: TODO (e.g. COCO train2017)
- Licence: TODO (the same SPDX id as in model.yaml)

## Export

How the ONNX file was produced, so others can reproduce it:

\`\`\`sh
TODO: e.g. yolo export model=yolov8n.pt format=onnx imgsz=640 opset=17
\`\`\`

## Notes

TODO: anything a reader should know (known limitations, differences from the paper's setup).
`;
}

/** Scaffolds models/<id>/ (model.yaml and README.md), never overwriting anything. */
export async function newModel(values: NewModelOptions, positionals: string[]): Promise<number> {
  const id = positionals[0]!;
  if (!Slug.safeParse(id).success) {
    throw new UserError(
      `"${id}" is not a valid model id: use 2 to 64 characters from a-z, 0-9 and "-", starting with a letter or digit (e.g. yolov8n or rt-detr-r18)`,
    );
  }

  let sha256: string | undefined;
  let bytes: number | undefined;
  let proposal: SignatureProposal | undefined;
  if (values.weights !== undefined) {
    let data: Buffer;
    try {
      data = await readFile(values.weights);
    } catch (err) {
      throw new UserError(`cannot read the weights (${(err as NodeJS.ErrnoException).code})`, {
        file: values.weights,
      });
    }
    if (data.length > MAX_WEIGHTS_BYTES)
      throw new UserError(
        `the file is ${formatBytes(data.length)}, over the limit of ${formatBytes(MAX_WEIGHTS_BYTES)}`,
        {
          file: values.weights,
        },
      );
    const info = inspectModel(data, values.weights);
    assertStandardOps(info, values.weights);
    proposal = proposeFromSignature(info);
    sha256 = sha256Bytes(data);
    bytes = data.length;
  }

  const repoRoot = await resolveRoot(values.root);
  const dir = join(repoRoot, 'models', id);
  if (await exists(dir))
    throw new UserError(`models/${id} already exists: pick another id, or edit models/${id}/model.yaml`);
  await mkdir(join(repoRoot, 'models'), { recursive: true });
  await mkdir(dir); // fails if the folder appeared meanwhile, so the clean-up below only removes ours
  try {
    // 'wx': never overwrite, even if the folder appeared in between.
    await writeFile(
      join(dir, 'model.yaml'),
      scaffoldModelYaml({ id, family: values.family, sha256, bytes, proposal }),
      {
        flag: 'wx',
      },
    );
    await writeFile(join(dir, 'README.md'), scaffoldReadme(id), { flag: 'wx' });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  if (proposal) {
    console.log(
      `recognised ${values.weights}: ${proposal.reason}.\nProposed family ${proposal.family}${values.family && values.family !== proposal.family ? ` (you chose ${values.family})` : ''} and the inputs it needs; check them against the exporter's code.\n`,
    );
  } else if (values.weights !== undefined) {
    console.log(
      `${values.weights}: signature not recognised; pick the family yourself (see the comments).\n`,
    );
  }
  console.log(`created models/${id}/model.yaml and models/${id}/README.md

Next:
  1. replace every TODO in models/${id}/model.yaml${sha256 ? ' (sha256 and bytes are filled in)' : ''}
  2. npx podium validate models/${id}
  3. npx podium run --model ${id} --dataset <dataset> --limit 50 --device cpu --out-dir /tmp/podium-smoke
  4. open a pull request that changes only models/${id}/ (see CONTRIBUTING.md)`);
  return 0;
}

export const command = defineCommand({
  name: 'new-model',
  usage: ['<id> [--family F] [--weights model.onnx]'],
  description: `Creates models/<id>/model.yaml (every field explained in comments, placeholders marked TODO) and
a models/<id>/README.md stub. Fill in the TODOs, then run \`npx podium validate models/<id>\`.`,
  options,
  positionals: { name: 'model id', min: 1, max: 1 },
  run: newModel,
});

/** A YAML flow value for a proposed field (plain scalars, arrays and small objects). */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(', ')} }`;
  }
  return typeof v === 'string' && !/^[A-Za-z0-9_.:/-]+$/.test(v) ? JSON.stringify(v) : String(v);
}

/**
 * Writes the fields recognised from the weights' signature into the scaffold: each replaces the
 * template's line for that field (or its commented example), so no key appears twice.
 */
function applyProposal(text: string, proposal: SignatureProposal): string {
  let out = text;
  if (proposal.decoder) {
    const lines = Object.entries(proposal.decoder).map(([k, v]) => `  ${k}: ${flow(v)}`);
    out = out.replace(
      '# decoder:\n#   activation: sigmoid',
      `# Proposed from the weights' signature (podium new-model --weights):\ndecoder:\n${lines.join('\n')}`,
    );
  }
  for (const [key, value] of Object.entries(proposal.input)) {
    const line =
      key === 'extra'
        ? `  extra:\n${(value as unknown[]).map((e) => `    - ${flow(e)}`).join('\n')}`
        : `  ${key}: ${flow(value)}`;
    const own = new RegExp(`^  ${key}: .*$`, 'm');
    const example = key === 'extra' ? /^ {2}# extra:\n {2}# {3}- .*$/m : new RegExp(`^  # ${key}: .*$`, 'm');
    if (key === 'asIs') out = out.replace(/^ {2}size: .*$/m, '  # size: [640, 640]');
    if (own.test(out)) out = out.replace(own, line);
    else if (example.test(out)) out = out.replace(example, line);
  }
  return out;
}
