/**
 * The evaluator's WebAssembly modules (wasm/*.ts, built by `npm run build:wasm` and committed
 * beside their loaders), compiled once per thread. A module that cannot be read or compiled is
 * null, and its loader's caller runs the JavaScript the module replaces.
 */
import { readFileSync } from 'node:fs';

const compiled = new Map<string, WebAssembly.Module | null>();

export function wasmModule(url: URL): WebAssembly.Module | null {
  let m = compiled.get(url.href);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(readFileSync(url));
    } catch {
      m = null;
    }
    compiled.set(url.href, m);
  }
  return m;
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
