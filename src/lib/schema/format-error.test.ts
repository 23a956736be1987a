import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { DatasetManifest } from './dataset-manifest.ts';
import { parseOrThrow, toUserError } from './format-error.ts';
import { ModelManifest } from './model-manifest.ts';

const SHA = 'ab'.repeat(32);
const good = {
  id: 'yolov8n',
  name: 'YOLOv8n',
  family: 'yolov8',
  weights: { url: 'https://example.org/yolov8n.onnx', sha256: SHA, bytes: 12_000_000 },
  input: { size: [640, 640] },
  classes: 'coco80',
  license: 'AGPL-3.0-only',
};

/** The message a contributor sees for `value` as models/foo/model.yaml. */
function modelMessage(value: unknown): string {
  try {
    parseOrThrow(ModelManifest, value, 'models/foo/model.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('manifest error messages', () => {
  it('names the file and the field for a single problem', () => {
    expect(modelMessage({ ...good, weights: { ...good.weights, sha256: 'abc' } })).toMatchInlineSnapshot(
      `"models/foo/model.yaml: weights.sha256: expected 64 lowercase hex characters (the output of \`sha256sum\`)"`,
    );
  });

  it('lists every problem, not just the first', () => {
    expect(
      modelMessage({
        ...good,
        family: 'yolo11',
        licence: 'MIT',
        weights: { url: 'http://example.org/w.onnx' },
        input: { size: [640, '640'], dtype: 'int8' },
        params: 3.2,
        reported: { AP: 0.373 },
      }),
    ).toMatchInlineSnapshot(`
      "models/foo/model.yaml: 9 problems
        - family: expected one of "yolov8", "yolov5", "end2end", "detr", "yolox", "nanodet", "fastestdet", "postprocessed", got the text "yolo11"
        - weights.url: plain http URLs are refused: use https://
        - weights.sha256: required
        - input.size[1]: expected a number, got the text "640"
        - input.dtype: expected one of "float32", "float16", "uint8", got the text "int8"
        - params: expected an integer, got 3.2
        - reported.AP: AP is in percent (e.g. 37.3), not a fraction
        - reported.source: required
        - unknown field "licence" (check the spelling)"
    `);
  });

  it('explains the branch of a source that was evidently meant', () => {
    expect(modelMessage({ ...good, weights: { path: '/abs/w.onnx' } })).toMatchInlineSnapshot(
      `"models/foo/model.yaml: weights.path: absolute paths are refused: give a path relative to the manifest folder"`,
    );
    expect(
      modelMessage({ ...good, weights: { path: 'w.onnx', url: 'https://example.org/w.onnx', sha256: SHA } }),
    ).toMatchInlineSnapshot(
      `"models/foo/model.yaml: weights: expected either {url, sha256, bytes?} (a remote file) or {path, sha256?} (a local file)"`,
    );
    expect(modelMessage({ ...good, weights: 'https://example.org/w.onnx' })).toMatchInlineSnapshot(
      `"models/foo/model.yaml: weights: expected either {url, sha256, bytes?} (a remote file) or {path, sha256?} (a local file)"`,
    );
  });

  it('reports missing fields as required', () => {
    const { weights: _w, license: _l, ...rest } = good;
    expect(modelMessage(rest)).toMatchInlineSnapshot(`
      "models/foo/model.yaml: 2 problems
        - license: required
        - weights: required: expected either {url, sha256, bytes?} (a remote file) or {path, sha256?} (a local file), or an export recipe"
    `);
  });

  it('suggests the right case for a licence and explains size limits', () => {
    expect(
      modelMessage({ ...good, license: 'apache-2.0', weights: { ...good.weights, bytes: 3 * 1024 ** 3 } }),
    ).toMatchInlineSnapshot(`
      "models/foo/model.yaml: 2 problems
        - weights.bytes: weights declares 3221225472 bytes, over the limit of 2147483648 bytes (2 GiB)
        - license: unknown licence "apache-2.0": SPDX ids are case-sensitive, did you mean "Apache-2.0"?"
    `);
  });

  it('explains input size and class list mistakes', () => {
    expect(
      modelMessage({ ...good, input: { size: [640, 640], dynamic: { maxSize: 1280, stride: 32 } } }),
    ).toMatchInlineSnapshot(`"models/foo/model.yaml: input: give one input size, not size and dynamic"`);
    expect(modelMessage({ ...good, input: {}, classes: ['cat', 'dog', 'cat'] })).toMatchInlineSnapshot(`
      "models/foo/model.yaml: 2 problems
        - input: give the input size: size: [height, width], dynamic: {maxSize, stride}, shorterSide: {size, maxSize?, stride?} or asIs: true
        - classes[2]: duplicate class name "cat""
    `);
  });

  it('explains dataset cross-field rules', () => {
    let message = '';
    try {
      parseOrThrow(
        DatasetManifest,
        {
          id: 'tiny',
          name: 'Tiny',
          task: 'detect',
          split: 'val',
          format: 'yolo',
          images: { baseUrl: 'https://example.org/img/' },
          annotations: { path: 'a.json' },
          license: 'CC-BY-4.0',
          categories: [
            { id: 1, name: 'a' },
            { id: 1, name: 'b' },
          ],
        },
        'datasets/tiny/dataset.yaml',
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatchInlineSnapshot(`
      "datasets/tiny/dataset.yaml: 4 problems
        - yolo: required when format is yolo: give {dataYaml}
        - annotations: only for format: coco (YOLO labels sit next to the images)
        - images: a YOLO dataset needs a folder or an archive, not baseUrl
        - categories[1].id: duplicate id 1"
    `);
  });

  it('formats YAML syntax errors with line and column', () => {
    const doc = parseDocument('id: foo\nname: [unclosed\n', { prettyErrors: true });
    expect(toUserError('models/foo/model.yaml', doc.errors).message).toMatchInlineSnapshot(
      `"models/foo/model.yaml: line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]"`,
    );
  });

  it('quotes odd field names rather than printing them raw', () => {
    expect(modelMessage({ ...good, 'bad\nkey': 1 })).toMatchInlineSnapshot(
      `"models/foo/model.yaml: unknown field "bad\\nkey" (check the spelling)"`,
    );
  });
});
