import { describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.ts';
import { attr, ModelBuilder } from './builder.ts';
import { assertStandardOps, inspectModel } from './inspect.ts';
import { onnx } from './proto.ts';

function convModel(): ModelBuilder {
  return new ModelBuilder()
    .input('images', 'float32', ['batch', 3, 'height', 'width'])
    .initializer('w', new Float32Array(2 * 3), [2, 3, 1, 1])
    .node('Conv', ['images', 'w'], ['y'])
    .output('y', 'float32', ['batch', 2, 'height', 'width']);
}

describe('inspectModel', () => {
  it('lists opsets, domains, and feedable inputs with symbolic dims', () => {
    const info = inspectModel(convModel().toBytes(), 'm.onnx');
    expect(info.irVersion).toBe(8);
    expect(info.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(info.domains).toEqual([{ domain: '', count: 1 }]);
    // The initializer 'w' is not an input to feed.
    expect(info.inputs).toEqual([
      { name: 'images', dtype: 'float32', dims: ['batch', 3, 'height', 'width'] },
    ]);
    expect(info.outputs).toEqual([{ name: 'y', dtype: 'float32', dims: ['batch', 2, 'height', 'width'] }]);
    expect(() => assertStandardOps(info, 'm.onnx')).not.toThrow();
  });

  it('refuses bytes that are not an ONNX model, naming the file', () => {
    const text = new TextEncoder().encode('{"this": "is json, not onnx"}');
    expect(() => inspectModel(text, 'weights/model.onnx')).toThrow(UserError);
    expect(() => inspectModel(text, 'weights/model.onnx')).toThrow(
      /^weights\/model\.onnx: not an ONNX model/,
    );
    expect(() => inspectModel(new Uint8Array(0), 'empty.onnx')).toThrow(/empty\.onnx: not an ONNX model/);
  });

  it('refuses a custom-domain node, naming the node and domain, also inside an If branch', () => {
    const b = convModel();
    b.node('DeformConv', ['y'], ['z'], {}, { domain: 'mmcv', name: 'deform_1' });
    const info = inspectModel(b.toBytes(), 'custom.onnx');
    expect(info.domains).toContainEqual({ domain: 'mmcv', count: 1 });
    expect(() => assertStandardOps(info, 'custom.onnx')).toThrow(
      /custom\.onnx: .*node 'deform_1' \(DeformConv\) in domain 'mmcv'/,
    );

    // A custom op hidden in a subgraph is found too.
    const branch = new ModelBuilder().node('Weird', [], ['o'], {}, { domain: 'com.acme', name: 'weird' });
    const outer = convModel();
    const g = branch.toProto().graph!;
    const proto = outer.toProto();
    proto.graph!.node!.push({
      opType: 'If',
      name: 'if',
      input: ['c'],
      output: ['o'],
      attribute: [
        { name: 'then_branch', type: 5, g },
        { name: 'else_branch', type: 5, g },
      ],
    });
    const nested = inspectModel(onnx.ModelProto.encode(proto).finish(), 'nested.onnx');
    expect(() => assertStandardOps(nested, 'nested.onnx')).toThrow(/'weird' \(Weird\) in domain 'com\.acme'/);
  });

  it('allows ai.onnx.ml and the explicit ai.onnx domain', () => {
    const b = convModel();
    b.node('Relu', ['y'], ['r'], {}, { domain: 'ai.onnx' });
    b.opsetImport('ai.onnx.ml', 3);
    b.node('Normalizer', ['r'], ['n'], { norm: attr.string('MAX') }, { domain: 'ai.onnx.ml' });
    expect(() => assertStandardOps(inspectModel(b.toBytes(), 'ok.onnx'), 'ok.onnx')).not.toThrow();
  });
});
