/**
 * A small typed builder for ONNX models, so tests, benchmarks and the demo can make real models in
 * code instead of shipping binary fixtures.
 *
 *   const b = new ModelBuilder();
 *   b.input('x', 'float32', ['batch', 3, 4, 4]);
 *   b.initializer('w', new Float32Array([...]), [8, 3, 3, 3]);
 *   b.node('Conv', ['x', 'w'], ['y'], { pads: attr.ints([1, 1, 1, 1]) });
 *   b.output('y', 'float32', ['batch', 8, 4, 4]);
 *   const bytes = b.toBytes();
 *
 * Tensor payloads are stored as little-endian raw_data, which is what ONNX requires.
 */
import { float32ToFloat16Bits } from './float16.ts';
import { DATA_TYPE, type DType, type OnnxTypes, onnx } from './proto.ts';

/** A dimension: a fixed size, or a symbolic name such as 'batch' (shared names mean equal sizes). */
export type Dim = number | string;

/** Typed arrays accepted as tensor payloads, with the ONNX type each maps to by default. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

/** A tensor value: typed array payload + shape (+ dtype when the array alone is ambiguous). */
export interface TensorSpec {
  data: TensorData | Uint16Array | readonly number[];
  dims: readonly number[];
  /**
   * Element type. Defaults from the array: Float32Array → float32, BigInt64Array → int64, etc.
   * Required for number[] and for float16 (pass a Uint16Array of half-float bits, or a
   * Float32Array / number[] to be converted).
   */
  dtype?: DType;
}

/** Attribute values are tagged because a JS number cannot say whether it is an ONNX int or float. */
export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: TensorSpec };

/** Attribute constructors: `{ axis: attr.int(1), alpha: attr.float(0.2) }`. */
export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  tensor: (value: TensorSpec): AttrValue => ({ kind: 'tensor', value }),
};

export interface ModelBuilderOptions {
  /** Default-domain opset version. */
  opset?: number;
  /** ONNX IR version; 8 pairs with opsets up to 17/18 and is read by every current runtime. */
  irVersion?: number;
  graphName?: string;
  producerName?: string;
}

export interface NodeOptions {
  /** Operator domain; '' is the default ONNX domain. A non-default domain is added to opset imports. */
  domain?: string;
  /** Node name; defaults to `<opType>_<index>`. */
  name?: string;
}

const textEncoder = new TextEncoder();

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function defaultDtype(data: TensorSpec['data']): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  return undefined;
}

/** Converts a payload to the typed array whose bytes are the ONNX raw_data for `dtype`. */
function toRawArray(data: TensorSpec['data'], dtype: DType): ArrayBufferView {
  const values = data;
  switch (dtype) {
    case 'float32':
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    case 'float64':
      return values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
    case 'float16':
      return values instanceof Uint16Array ? values : float32ToFloat16Bits(values as ArrayLike<number>);
    case 'int64':
      return values instanceof BigInt64Array
        ? values
        : BigInt64Array.from(Array.from(values as ArrayLike<number>, (v) => BigInt(v)));
    case 'int32':
      return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
    case 'int8':
      return values instanceof Int8Array ? values : Int8Array.from(values as ArrayLike<number>);
    case 'uint8':
    case 'bool':
      return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
  }
}

/** Builds a TensorProto from a typed payload. */
export function tensorProto(spec: TensorSpec, name = ''): OnnxTypes.ITensorProto {
  const dtype = spec.dtype ?? defaultDtype(spec.data);
  if (!dtype) throw new Error(`tensor '${name}': dtype is required for this payload type`);
  const count = spec.dims.reduce((a, b) => a * b, 1);
  if (spec.data.length !== count) {
    throw new Error(`tensor '${name}': ${spec.data.length} values do not fill dims [${spec.dims.join(',')}]`);
  }
  if (!isLittleEndian())
    throw new Error('ONNX raw_data is little-endian; big-endian hosts are not supported');
  const view = toRawArray(spec.data, dtype);
  return {
    name,
    dims: [...spec.dims],
    dataType: DATA_TYPE[dtype],
    // Copy: the proto must not alias a caller's buffer that may be mutated later.
    rawData: new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)),
  };
}

function valueInfo(name: string, dtype: DType, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attributeProto(name: string, a: AttrValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: textEncoder.encode(a.value) };
    case 'tensor':
      return { name, type: T.TENSOR, t: tensorProto(a.value) };
  }
}

export class ModelBuilder {
  readonly opset: number;
  readonly irVersion: number;
  readonly graphName: string;
  readonly producerName: string;
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly extraOpsets = new Map<string, number>();
  private counter = 0;

  constructor(options: ModelBuilderOptions = {}) {
    this.opset = options.opset ?? 17;
    this.irVersion = options.irVersion ?? 8;
    this.graphName = options.graphName ?? 'podium';
    this.producerName = options.producerName ?? 'podium';
  }

  /** Declares a graph input. */
  input(name: string, dtype: DType, dims: readonly Dim[]): this {
    this.inputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  /** Declares a graph output (dims may be symbolic where the runtime infers them). */
  output(name: string, dtype: DType, dims: readonly Dim[]): this {
    this.outputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  /** Adds a constant weight. `initializer('w', new Float32Array(n), [o, i, kh, kw])`. */
  initializer(name: string, data: TensorSpec['data'], dims: readonly number[], dtype?: DType): this {
    this.initializers.push(tensorProto(dtype ? { data, dims, dtype } : { data, dims }, name));
    return this;
  }

  /** Adds a node. Attributes are tagged values: `{ kernel_shape: attr.ints([2, 2]) }`. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttrValue>> = {},
    options: NodeOptions = {},
  ): this {
    const domain = options.domain ?? '';
    if (domain !== '' && domain !== 'ai.onnx' && !this.extraOpsets.has(domain))
      this.extraOpsets.set(domain, 1);
    this.nodes.push({
      opType,
      domain,
      name: options.name ?? `${opType}_${this.counter++}`,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([k, v]) => attributeProto(k, v)),
    });
    return this;
  }

  /** Sets the version imported for a non-default domain (e.g. 'ai.onnx.ml'). */
  opsetImport(domain: string, version: number): this {
    this.extraOpsets.set(domain, version);
    return this;
  }

  toProto(): OnnxTypes.IModelProto {
    return {
      irVersion: this.irVersion,
      producerName: this.producerName,
      opsetImport: [
        { domain: '', version: this.opset },
        ...[...this.extraOpsets].map(([domain, version]) => ({ domain, version })),
      ],
      graph: {
        name: this.graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    };
  }

  /** Serialised model, ready for InferenceSession.create(bytes) or a .onnx file. */
  toBytes(): Uint8Array {
    const proto = this.toProto();
    const err = onnx.ModelProto.verify(proto);
    if (err) throw new Error(`invalid ONNX model: ${err}`);
    return onnx.ModelProto.encode(proto).finish();
  }
}
