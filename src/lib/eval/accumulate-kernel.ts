/**
 * Accumulation's WebAssembly kernel (wasm/accumulate-kernel.ts, built to accumulate-kernel.wasm):
 * accumulate()'s per-class loop, compiled before its first call (a fresh process runs the
 * JavaScript loop once, mostly unoptimized), with the same bits (src/lib/eval/accumulate-kernel.test.ts
 * compares the two on every parity case). accumulate.ts fills the inputs in its memory, runs it
 * class by class and copies each class's block out.
 */
import { wasmModule } from '../util/wasm-module.ts';
import { kernelMemory, layOut } from './wasm-module.ts';

interface KernelExports {
  run(k: number): void;
}

let enabled = true;

/** For the tests: accumulation through the kernel (the default) or through the JavaScript. */
export function useAccumulateKernel(on: boolean): void {
  enabled = on;
}

export interface AccumulateShape {
  readonly K: number;
  readonly T: number;
  readonly R: number;
  readonly A: number;
  readonly M: number;
  /** Evaluated detections. */
  readonly E: number;
  /** Most evaluated detections of one class. */
  readonly longest: number;
}

/** Views of the kernel's memory: inputs to fill, outputs to read after run. */
export interface AccumulateKernel {
  /** Per position in merge order × area range. */
  readonly flags: Uint32Array;
  readonly rank: Int32Array;
  readonly catStart: Int32Array;
  readonly npig: Float64Array;
  readonly maxDets: Int32Array;
  readonly recThrs: Float64Array;
  /** [T][K][A][M], to be filled with -1 before the first run. */
  readonly recall: Float64Array;
  /** Class k's precision as [a][m][t][r] after run(k). */
  readonly block: Float64Array;
  run(k: number): void;
}

export function accumulateKernel(shape: AccumulateShape): AccumulateKernel | null {
  if (!enabled || shape.T > 16) return null;
  const module = wasmModule(new URL('./accumulate-kernel.wasm', import.meta.url));
  if (!module) return null;
  const { K, T, R, A, M, E, longest } = shape;
  const L = Math.max(longest, 1);
  // [slot, bytes], in slot order from 8 (14 is no longer used).
  const regions = [
    [8, E * A * 4], // flags
    [9, E * 4], // rank
    [10, (K + 1) * 4], // catStart
    [11, K * A * 8], // npig
    [12, M * 4], // maxDets
    [13, R * 8], // recThrs
    [15, T * K * A * M * 8], // recall
    [16, A * M * T * R * 8], // block
    [17, L * 4], // kept
    [18, T * L * 8], // tpAt
    [19, T * L * 8], // fpAt
    [20, L * 8], // env
    [21, L * 8], // rc
    [22, T * 4], // count
    [23, T * 4], // tp
    [24, T * 4], // ig
  ].map(([slot, bytes]) => ({ slot: slot!, bytes: bytes! }));
  const memory = kernelMemory();
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // Header slots 0-5, as wasm/accumulate-kernel.ts reads them: K, T, R, A, M, longest.
  const offsets = layOut(memory, [K, T, R, A, M, L], regions);
  if (!offsets) return null;
  const buffer = memory.buffer;
  const at = new Map(regions.map((r, i) => [r.slot, offsets[i]!]));
  return {
    flags: new Uint32Array(buffer, at.get(8)!, E * A),
    rank: new Int32Array(buffer, at.get(9)!, E),
    catStart: new Int32Array(buffer, at.get(10)!, K + 1),
    npig: new Float64Array(buffer, at.get(11)!, K * A),
    maxDets: new Int32Array(buffer, at.get(12)!, M),
    recThrs: new Float64Array(buffer, at.get(13)!, R),
    recall: new Float64Array(buffer, at.get(15)!, T * K * A * M),
    block: new Float64Array(buffer, at.get(16)!, A * M * T * R),
    run: (k) => wasm.run(k),
  };
}
