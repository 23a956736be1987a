/**
 * mergeOrder's WebAssembly kernel (wasm/score-order.ts, built to score-order.wasm): the score
 * radix sort and the regrouping by class, compiled before its one call where the JavaScript runs
 * them unoptimized, with the same orders (score-order.test.ts compares the two).
 */
import { wasmModule } from '../util/wasm-module.ts';
import { recycled } from './recycled-memory.ts';
import { kernelMemory, readyKernelMemory } from './wasm-module.ts';

interface KernelExports {
  offsetOf(region: number, E: number, K: number): number;
  keys(E: number, K: number, from: number, to: number): void;
  offsets(E: number, K: number, d: number): number;
  scatter(E: number, K: number, d: number, flip: number, from: number, to: number): void;
  regroupStart(E: number, K: number, flip: number): void;
  classes(E: number, K: number, k0: number, k1: number): void;
  regroup(E: number, K: number, from: number, to: number): void;
}

let enabled = true;

/** A kernel output copied out, into recycled memory where there is some (recycled-memory.ts). */
function copied(a: Int32Array): Int32Array {
  const out = recycled.i32(a.length);
  out.set(a);
  return out;
}

/** Detections per kernel call. */
const CHUNK = 1 << 15;

/** For the tests: the orders through the kernel (the default) or through the JavaScript. */
export function useScoreOrderKernel(on: boolean): void {
  enabled = on;
}

/**
 * byScore (descending score, ties by index; -0 as 0) and order (byScore regrouped stably by the
 * classes of catStart), or null where the kernel cannot run.
 */
export function scoreOrderKernel(
  score: Float64Array,
  catStart: Int32Array,
): { order: Int32Array; byScore: Int32Array } | null {
  const E = score.length;
  const K = catStart.length - 1;
  // The kernel reuses its 4 × 65,536 counters for the classes.
  if (!enabled || K + 1 > 4 * 65536) return null;
  const module = wasmModule(new URL('./score-order.wasm', import.meta.url));
  if (!module) return null;
  const memory = kernelMemory();
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const end = wasm.offsetOf(8, E, K);
  if (end <= 0 || end > 2 ** 31 - 65536) return null;
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  const buffer = memory.buffer;
  new Float64Array(buffer, wasm.offsetOf(0, E, K), E).set(score);
  new Int32Array(buffer, wasm.offsetOf(1, E, K), K + 1).set(catStart);
  // In chunks: see wasm/score-order.ts for why.
  const chunked = (n: number, f: (from: number, to: number) => void) => {
    for (let i = 0; i < n; i += CHUNK) f(i, Math.min(n, i + CHUNK));
  };
  chunked(E, (from, to) => wasm.keys(E, K, from, to));
  let flip = 0;
  for (let d = 0; d < 4; d++) {
    if (wasm.offsets(E, K, d) === 0) continue;
    chunked(E, (from, to) => wasm.scatter(E, K, d, flip, from, to));
    flip ^= 1;
  }
  wasm.regroupStart(E, K, flip);
  for (let k = 0; k < K; k += 8) wasm.classes(E, K, k, Math.min(K, k + 8));
  chunked(E, (from, to) => wasm.regroup(E, K, from, to));
  // Copied out: the next kernel reuses the memory.
  return {
    byScore: copied(new Int32Array(buffer, wasm.offsetOf(2, E, K), E)),
    order: copied(new Int32Array(buffer, wasm.offsetOf(3, E, K), E)),
  };
}

/**
 * Readies the kernel memory for scoreOrderKernel on about E detections of K classes (see
 * readyKernelMemory): the bytes its layout takes, as the kernel's offsetOf gives them.
 */
export function readyScoreOrder(E: number, K: number): void {
  const module = wasmModule(new URL('./score-order.wasm', import.meta.url));
  if (!enabled || !module) return;
  const memory = kernelMemory();
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  readyKernelMemory(wasm.offsetOf(8, E, K));
}
