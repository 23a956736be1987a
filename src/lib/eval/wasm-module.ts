/**
 * The evaluator's WebAssembly kernel memory (wasm/*.ts, built by `npm run build:wasm` and
 * committed beside their loaders); modules are compiled by util's wasmModule.
 */

/**
 * The memory of the kernels that run one after another on a thread (score-order.ts, then
 * accumulate-kernel.ts): one per thread, kept and grown, never shrunk. The second kernel then
 * works in pages the first already touched instead of fresh ones, whose first touch costs
 * ~0.3 ms per MB here. No kernel reads what it has not written in the call at hand.
 */
let pool: WebAssembly.Memory | undefined;

export function kernelMemory(): WebAssembly.Memory {
  pool ??= new WebAssembly.Memory({ initial: 1 });
  return pool;
}

/**
 * Lets the kernel memory go once its kernels are done (the next kernelMemory() is a new one):
 * what the evaluation keeps from here, through the extended analysis, does not hold it.
 */
export function releaseKernelMemory(): void {
  pool = undefined;
}

/**
 * Grows the kernel memory to `bytes` and touches every page of it: the page faults taken while
 * this thread would otherwise wait (for the helper's part of the results file), not in the
 * kernel's run. Touching writes zeros, which the kernels never rely on.
 */
export function readyKernelMemory(bytes: number): void {
  const memory = kernelMemory();
  const have = memory.buffer.byteLength;
  if (bytes > 2 ** 31 || bytes <= have) return;
  memory.grow(Math.ceil((bytes - have) / 65536));
  new Uint8Array(memory.buffer, have).fill(0);
}

/**
 * The kernels' memory layout (wasm/accumulate-kernel.ts, wasm/bootstrap-kernel.ts): regions of
 * the given sizes in bytes, 16-byte aligned after a 256-byte header of int32 slots. Grows the
 * memory to hold them, writes `sizes` into slots 0, 1, … and each region's offset into its own
 * slot; returns the offsets in region order, or null past 2 GiB.
 */
export function layOut(
  memory: WebAssembly.Memory,
  sizes: readonly number[],
  regions: readonly { readonly slot: number; readonly bytes: number }[],
): number[] | null {
  let end = 256;
  const offsets = regions.map((r) => {
    const at = end;
    end += Math.ceil(r.bytes / 16) * 16;
    return at;
  });
  if (end > 2 ** 31) return null;
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  const header = new Int32Array(memory.buffer, 0, 64);
  header.set(sizes);
  regions.forEach((r, i) => {
    header[r.slot] = offsets[i]!;
  });
  return offsets;
}
