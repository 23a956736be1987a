/**
 * Reading an ONNX file's structure without running it: opsets, operator domains, inputs and
 * outputs. Used to refuse models that need custom operators before a session is created, and to
 * show contributors what their model declares.
 */
import { UserError } from '../util/errors.ts';
import type { Dim } from './builder.ts';
import { dtypeName, type OnnxTypes, onnx, toNumber } from './proto.ts';

export interface TensorInfo {
  name: string;
  /** Element type, e.g. 'float32', 'float16'. */
  dtype: string;
  /** Numbers for fixed sizes, names for symbolic dims, null where the model leaves a dim unknown. */
  dims: (Dim | null)[];
}

export interface NodeRef {
  name: string;
  opType: string;
  /** '' is the default ONNX domain. */
  domain: string;
}

export interface ModelInfo {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  /** Every node, including those inside subgraphs (If/Loop/Scan bodies) and local functions. */
  nodes: NodeRef[];
  /** Distinct node domains with how many nodes use each. */
  domains: { domain: string; count: number }[];
  /** Graph inputs that are not initializers (i.e. what must be fed). */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Local functions defined in the model, as `domain:name`. */
  functions: string[];
}

/** Domains served by every onnxruntime build without custom-op libraries. */
export const STANDARD_DOMAINS: readonly string[] = ['', 'ai.onnx', 'ai.onnx.ml'];

/** Decodes model bytes; bytes that are not an ONNX model → UserError naming the file. */
export function decodeModel(bytes: Uint8Array, file: string): OnnxTypes.ModelProto {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new UserError(`not an ONNX model (protobuf decoding failed: ${(err as Error).message})`, {
      file,
      cause: err,
    });
  }
  // Arbitrary bytes can decode as an empty or garbage message; a real model has an IR version and a graph.
  if (!model.irVersion || !model.graph || (!model.graph.node?.length && !model.graph.output?.length)) {
    throw new UserError('not an ONNX model (no IR version or no graph)', { file });
  }
  return model;
}

function tensorInfo(v: OnnxTypes.IValueInfoProto): TensorInfo {
  const tt = v.type?.tensorType;
  return {
    name: v.name ?? '',
    dtype: tt?.elemType != null ? dtypeName(tt.elemType) : 'unknown',
    dims: (tt?.shape?.dim ?? []).map((d) => {
      if (d.dimParam) return d.dimParam;
      if (d.dimValue != null) return toNumber(d.dimValue);
      return null;
    }),
  };
}

function collectNodes(nodes: readonly OnnxTypes.INodeProto[] | null | undefined, out: NodeRef[]): void {
  for (const n of nodes ?? []) {
    out.push({ name: n.name ?? '', opType: n.opType ?? '', domain: n.domain ?? '' });
    for (const a of n.attribute ?? []) {
      if (a.g) collectNodes(a.g.node, out);
      for (const g of a.graphs ?? []) collectNodes(g.node, out);
    }
  }
}

/** Structure of a model file's bytes. */
export function inspectModel(bytes: Uint8Array, file: string): ModelInfo {
  const model = decodeModel(bytes, file);
  const graph = model.graph!;
  const nodes: NodeRef[] = [];
  collectNodes(graph.node, nodes);
  for (const f of model.functions) collectNodes(f.node, nodes);
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.domain, (counts.get(n.domain) ?? 0) + 1);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    irVersion: toNumber(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    nodes,
    domains: [...counts].map(([domain, count]) => ({ domain, count })),
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name)).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    functions: model.functions.map((f) => `${f.domain ?? ''}:${f.name ?? ''}`),
  };
}

/**
 * Refuses models that need operators outside the standard ONNX domains (custom-op libraries are
 * native code the board will not load). A call to a function defined inside the model is fine:
 * its body is checked like the graph.
 */
export function assertStandardOps(info: ModelInfo, file: string): void {
  const local = new Set(info.functions);
  const bad = info.nodes.filter(
    (n) => !STANDARD_DOMAINS.includes(n.domain) && !local.has(`${n.domain}:${n.opType}`),
  );
  if (bad.length === 0) return;
  const shown = bad
    .slice(0, 5)
    .map((n) => `node '${n.name || '(unnamed)'}' (${n.opType}) in domain '${n.domain}'`)
    .join('; ');
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
  throw new UserError(
    `model uses custom operators, which Podium does not run: ${shown}${more}. ` +
      `Only the standard domains are allowed ('' / 'ai.onnx', 'ai.onnx.ml'); re-export the model with standard ops.`,
    { file },
  );
}
