/**
 * A thin layer over ModelBuilder for writing the demo detectors: it names intermediate values,
 * records each value's shape (the demo graphs have fixed shapes, stated at every op) and tallies an
 * estimate of the floating-point work and the parameter count for the model manifests.
 *
 * FLOP convention: one per output element for element-wise ops; 2·Cin·kh·kw per output element for
 * Conv (multiply + add); kernel size per output element for pooling; input size for reductions.
 */
import { type AttrValue, attr, ModelBuilder } from '../../onnx/builder.ts';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class Graph {
  readonly builder: ModelBuilder;
  private readonly shapes = new Map<string, Shape>();
  private counter = 0;
  /** Estimated floating-point operations per run. */
  flops = 0;
  /** Elements of the initializers marked as parameters (weights), as opposed to index constants. */
  params = 0;

  constructor(graphName: string) {
    // Opset 17: ReduceSum/ReduceMax take axes as attributes or inputs as ORT 1.x expects; every op
    // used here is in the default domain.
    this.builder = new ModelBuilder({ opset: 17, graphName, producerName: 'podium-demo' });
  }

  shape(name: string): Shape {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`graph: unknown value '${name}'`);
    return s;
  }

  input(name: string, shape: Shape): string {
    this.builder.input(name, 'float32', shape);
    this.shapes.set(name, shape);
    return name;
  }

  output(name: string): void {
    this.builder.output(name, 'float32', this.shape(name));
  }

  /** A float32 constant. `param` counts it towards the model's parameter count. */
  constant(
    data: Float32Array | readonly number[],
    shape: Shape,
    opts: { param?: boolean; hint?: string } = {},
  ) {
    const name = `${opts.hint ?? 'const'}_${this.counter++}`;
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    this.builder.initializer(name, arr, shape, 'float32');
    this.shapes.set(name, shape);
    if (opts.param) this.params += arr.length;
    return name;
  }

  /** An int64 constant (shapes, axes, indices). */
  ints(values: readonly number[], shape: Shape = [values.length]): string {
    const name = `ints_${this.counter++}`;
    this.builder.initializer(
      name,
      BigInt64Array.from(values, (v) => BigInt(v)),
      shape,
      'int64',
    );
    this.shapes.set(name, shape);
    return name;
  }

  /** Adds a node with one output of the given shape; returns the output's name. */
  op(
    type: string,
    inputs: readonly string[],
    outShape: Shape,
    attributes: Readonly<Record<string, AttrValue>> = {},
    flopsPerElement = 1,
    outName?: string,
  ): string {
    const name = outName ?? `${type.toLowerCase()}_${this.counter++}`;
    this.builder.node(type, inputs, [name], attributes);
    this.shapes.set(name, outShape);
    this.flops += flopsPerElement * numel(outShape);
    return name;
  }

  /** Adds a node with several outputs. */
  opN(type: string, inputs: readonly string[], outShapes: readonly Shape[], attributes = {}): string[] {
    const names = outShapes.map((s) => {
      const n = `${type.toLowerCase()}_${this.counter++}`;
      this.shapes.set(n, s);
      return n;
    });
    this.builder.node(type, inputs, names, attributes);
    return names;
  }

  // Element-wise helpers with numpy broadcasting of the two shapes.
  add(a: string, b: string) {
    return this.op('Add', [a, b], this.broadcast(a, b));
  }
  sub(a: string, b: string) {
    return this.op('Sub', [a, b], this.broadcast(a, b));
  }
  mul(a: string, b: string) {
    return this.op('Mul', [a, b], this.broadcast(a, b));
  }
  div(a: string, b: string) {
    return this.op('Div', [a, b], this.broadcast(a, b));
  }
  min(a: string, b: string) {
    return this.op('Min', [a, b], this.broadcast(a, b));
  }
  max(a: string, b: string) {
    return this.op('Max', [a, b], this.broadcast(a, b));
  }
  unary(type: 'Sigmoid' | 'Sqrt' | 'Log' | 'Neg' | 'Floor' | 'Relu', a: string) {
    return this.op(type, [a], this.shape(a));
  }
  scalar(value: number): string {
    return this.constant([value], [1], { hint: 'scalar' });
  }
  /** a + value, a * value. */
  addScalar(a: string, value: number) {
    return this.add(a, this.scalar(value));
  }
  mulScalar(a: string, value: number) {
    return this.mul(a, this.scalar(value));
  }

  cast(a: string, to: 'float32' | 'int64'): string {
    return this.op('Cast', [a], this.shape(a), { to: attr.int(to === 'float32' ? 1 : 7) }, 0);
  }

  reshape(a: string, shape: Shape): string {
    if (numel(shape) !== numel(this.shape(a))) {
      throw new Error(`graph: cannot reshape [${this.shape(a)}] to [${shape}]`);
    }
    return this.op('Reshape', [a, this.ints(shape)], shape, {}, 0);
  }

  concat(inputs: readonly string[], axis: number): string {
    const first = this.shape(inputs[0]!);
    const out = [...first];
    out[axis] = inputs.reduce((n, x) => n + this.shape(x)[axis]!, 0);
    return this.op('Concat', inputs, out, { axis: attr.int(axis) }, 0);
  }

  transpose(a: string, perm: readonly number[]): string {
    const s = this.shape(a);
    return this.op(
      'Transpose',
      [a],
      perm.map((p) => s[p]!),
      { perm: attr.ints(perm) },
      0,
    );
  }

  private broadcast(a: string, b: string): Shape {
    const sa = this.shape(a);
    const sb = this.shape(b);
    const n = Math.max(sa.length, sb.length);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const da = sa[sa.length - n + i] ?? 1;
      const db = sb[sb.length - n + i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) throw new Error(`graph: cannot broadcast [${sa}] with [${sb}]`);
      out.push(Math.max(da, db));
    }
    return out;
  }

  toBytes(): Uint8Array {
    return this.builder.toBytes();
  }
}
