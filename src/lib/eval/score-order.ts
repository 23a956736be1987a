/**
 * mergeOrder's WebAssembly kernel (wasm/score-order.ts, built to score-order.wasm): the score
 * radix sort and the regrouping by class, compiled before its one call where the JavaScript runs
 * them unoptimized, with the same orders (score-order.test.ts compares the two).
 */
import { kernelMemory, readyKernelMemory, wasmModule } from './wasm-module.ts';

interface KernelExports {
  offsetOf(region: number, E: number, K: number): number;
  run(E: number, K: number): void;
}

let enabled = true;

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
  wasm.run(E, K);
  // Copied out: the next kernel reuses the memory.
  return {
    byScore: new Int32Array(buffer, wasm.offsetOf(2, E, K), E).slice(),
    order: new Int32Array(buffer, wasm.offsetOf(3, E, K), E).slice(),
  };
}

/**
 * Readies the kernel memory for scoreOrderKernel on about E detections of K classes (see
 * readyKernelMemory): the bytes its layout (wasm/score-order.ts) takes.
 */
export function readyScoreOrder(E: number, K: number): void {
  // score, keys, keys2 (8 bytes each), byScore, order, idx2 (4 each), catStart, 4 × 65,536 counters.
  readyKernelMemory(256 + E * 36 + (K + 1) * 4 + 4 * 65536 * 4 + 8 * 16);
}
