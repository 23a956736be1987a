/**
 * The class-score side of a dense decode through wasm/dense-rows.ts, built to dense-rows.wasm,
 * with the same bits as the decoders' JavaScript (dense-rows.test.ts compares the two):
 * - NanoDet's: each cell's best class score, then the chosen cells' rows, in about half the
 *   JavaScript's time (its Math.max chain over a 416 input's 288k scores was a quarter of the
 *   decode). Use: `loadDenseLevel`, read its maxima, pick the cells, then `copyRows` them.
 * - FastestDet's: each cell's best over its class planes (`planeMaxima`).
 * What the kernel returns lies in this thread's kernel memory until the next call.
 */
import { wasmModule } from '../../util/wasm-module.ts';

interface KernelExports {
  rowMaxima(src: number, dst: number, cells: number, nc: number): void;
  copyRows(
    src: number,
    sel: number,
    n: number,
    nc: number,
    dst: number,
    counts: number,
    t: number,
    inclusive: number,
  ): void;
  planeMaxima(src: number, planes: number, len: number, dst: number): void;
}

let enabled = true;

/** For the tests: through the kernel (the default) or through the JavaScript it replaces. */
export function useDenseRowsKernel(on: boolean): void {
  enabled = on;
}

let kernel: { wasm: KernelExports; memory: WebAssembly.Memory } | null | undefined;

function instance(): { wasm: KernelExports; memory: WebAssembly.Memory } | null {
  if (kernel !== undefined) return kernel;
  const module = wasmModule(new URL('./dense-rows.wasm', import.meta.url));
  if (!module) {
    kernel = null;
    return kernel;
  }
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  kernel = { wasm, memory };
  return kernel;
}

const align = (n: number) => Math.ceil(n / 16) * 16;

/** Where the loaders' layouts start in kernel memory (AssemblyScript's own data lies below). */
const BASE = 256;

/** The kernel with at least `end` bytes of memory, or null (see loadDenseLevel). */
function withMemory(end: number) {
  const k = enabled ? instance() : null;
  if (!k || end > 2 ** 31) return null;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  return k;
}

/**
 * Per position of `len`, over the `planes` planes of `len` values of `data` from `from`: the
 * largest value, NaN skipped, or +Infinity where any is -Infinity (as fastestdet.ts's loop
 * computes it); a view of kernel memory, or null where the kernel cannot run.
 */
export function planeMaxima(
  data: Float32Array,
  from: number,
  planes: number,
  len: number,
): Float32Array | null {
  const src = BASE;
  const dst = src + align(planes * len * 4);
  const k = withMemory(dst + align(len * 4));
  if (!k) return null;
  new Float32Array(k.memory.buffer, src, planes * len).set(data.subarray(from, from + planes * len));
  k.wasm.planeMaxima(src, planes, len, dst);
  return new Float32Array(k.memory.buffer, dst, len);
}

export interface DenseLevel {
  /** Per cell, its best class score (a view of kernel memory, valid until the next load). */
  maxima: Float32Array;
  /**
   * The cells listed (at most the count load was given), in order, into `out` from `at`: each
   * score above conf as it is, NaN for the rest; `counts[k]` is how many of cell k's are above.
   */
  copyRows(cells: Uint32Array, out: Float32Array, at: number, conf: number, counts: Int32Array): void;
}

/**
 * Loads `cells` rows of `nc` scores from `scores` at `from` (up to `rowsOut` of them will be
 * copied), or null where the kernel cannot run: the caller then runs its JavaScript.
 */
export function loadDenseLevel(
  scores: Float32Array,
  from: number,
  cells: number,
  nc: number,
  rowsOut: number,
): DenseLevel | null {
  if (nc < 1) return null;
  // The level's parts in kernel memory: class map, maxima, chosen cells, their rows and counts.
  const src = BASE;
  const max = src + align(cells * nc * 4);
  const sel = max + align(cells * 4);
  const rows = sel + align(rowsOut * 4);
  const rowCounts = rows + align(rowsOut * nc * 4);
  const k = withMemory(rowCounts + align(rowsOut * 4));
  if (!k) return null;
  const buffer = k.memory.buffer;
  new Float32Array(buffer, src, cells * nc).set(scores.subarray(from, from + cells * nc));
  k.wasm.rowMaxima(src, max, cells, nc);
  return {
    maxima: new Float32Array(buffer, max, cells),
    copyRows(chosen, out, at, conf, counts) {
      const n = Math.min(chosen.length, rowsOut);
      new Uint32Array(buffer, sel, n).set(chosen.subarray(0, n));
      // A float32 above conf (a double) is one from conf's float32 up when that rounded up, else
      // one above that float32; NaN passes neither.
      const t = Math.fround(conf);
      k.wasm.copyRows(src, sel, n, nc, rows, rowCounts, t, t > conf ? 1 : 0);
      out.set(new Float32Array(buffer, rows, n * nc), at);
      counts.set(new Int32Array(buffer, rowCounts, n));
    },
  };
}
