/**
 * The bootstrap's WebAssembly kernel (wasm/bootstrap-kernel.ts, built to bootstrap-kernel.wasm):
 * weightedApBatch for LANES resamples at once, its per-resample loops as integer vectors. Same
 * bits as the JavaScript (bootstrap.ts; src/lib/eval/analysis/bootstrap-kernel.test.ts compares
 * them), about twice as fast, and compiled before its first call, where the JavaScript runs its
 * first batches unoptimized. Each thread has its own instance, holding a copy of the plan.
 */
import { wasmModule } from '../../util/wasm-module.ts';
import { layOut } from '../wasm-module.ts';
import type { BootstrapPlan } from './bootstrap.ts';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly LANES: WebAssembly.Global;
  run(): void;
}

/** Lanes of the kernel (wasm/bootstrap-kernel.ts LANES): a batch of more resamples runs in JavaScript. */
export const KERNEL_LANES = 28;

let enabled = true;

/** For the tests: batches through the kernel (the default) or through the JavaScript. */
export function useBootstrapKernel(on: boolean): void {
  enabled = on;
}

export interface BootstrapKernel {
  /** Resamples per batch at most. */
  readonly lanes: number;
  /** The weights, image-major with `lanes` columns (W[i * lanes + b]), for the next run. */
  readonly W: Int32Array;
  /** AP and AP50 of each lane (-1 where undefined), in the kernel's memory: read before the next run. */
  run(): { ap: Float64Array; ap50: Float64Array };
}

const kernels = new WeakMap<BootstrapPlan, BootstrapKernel | null>();

/** The kernel for a plan on this thread (made once per plan), or null where it cannot be loaded. */
export function kernelFor(plan: BootstrapPlan): BootstrapKernel | null {
  if (!enabled) return null;
  let kernel = kernels.get(plan);
  if (kernel === undefined) {
    kernel = makeKernel(plan);
    kernels.set(plan, kernel);
  }
  return kernel;
}

// The regions' header slots, as wasm/bootstrap-kernel.ts reads them (slots 1-4: K, T, R, t50).
const SLOTS = {
  ordImg: 8,
  evPos: 9,
  evImg: 10,
  evIgnoredAll: 11,
  evStart: 12,
  tpStart: 13,
  tpEv: 14,
  igStart: 15,
  igEv: 16,
  gtStart: 17,
  gtImg: 18,
  gtCount: 19,
  catStart: 20,
  recThrs: 21,
  W: 22,
  seenAt: 23,
  tpAt: 24,
  fpAt: 25,
  minTp: 26,
  npig: 27,
  sumAll: 28,
  sum50: 29,
  defined: 30,
  outAp: 31,
  outAp50: 32,
  reached: 33,
} as const;

function makeKernel(plan: BootstrapPlan): BootstrapKernel | null {
  const compiled = wasmModule(new URL('./bootstrap-kernel.wasm', import.meta.url));
  if (!compiled) return null;
  // Counts of GT per (class, image) are integers; the kernel reads them as int32.
  if (!plan.gtCount.every((c) => Number.isInteger(c) && c >= 0 && c < 2 ** 31)) return null;
  const wasm = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
  const lanes = wasm.LANES.value as number;
  if (lanes !== KERNEL_LANES) return null;
  const L = Math.max(plan.longest, 1);
  const R = plan.R;
  // Regions in order: [name, bytes, contents, type] (layOut places them).
  const regions: [keyof typeof SLOTS, number, ArrayLike<number> | null, 'i32' | 'f64' | 'u8'][] = [
    ['ordImg', plan.ordImg.length * 4, plan.ordImg, 'i32'],
    ['evPos', plan.evPos.length * 4, plan.evPos, 'i32'],
    ['evImg', plan.evImg.length * 4, plan.evImg, 'i32'],
    ['evIgnoredAll', plan.evIgnoredAll.length, plan.evIgnoredAll, 'u8'],
    ['evStart', plan.evStart.length * 4, plan.evStart, 'i32'],
    ['tpStart', plan.tpStart.length * 4, plan.tpStart, 'i32'],
    ['tpEv', plan.tpEv.length * 4, plan.tpEv, 'i32'],
    ['igStart', plan.igStart.length * 4, plan.igStart, 'i32'],
    ['igEv', plan.igEv.length * 4, plan.igEv, 'i32'],
    ['gtStart', plan.gtStart.length * 4, plan.gtStart, 'i32'],
    ['gtImg', plan.gtImg.length * 4, plan.gtImg, 'i32'],
    ['gtCount', plan.gtCount.length * 4, plan.gtCount, 'i32'],
    ['catStart', plan.catStart.length * 4, plan.catStart, 'i32'],
    ['recThrs', R * 8, plan.recThrs, 'f64'],
    ['W', plan.I * lanes * 4, null, 'i32'],
    ['seenAt', L * lanes * 4, null, 'i32'],
    ['tpAt', L * lanes * 4, null, 'i32'],
    ['fpAt', L * lanes * 4, null, 'i32'],
    ['minTp', lanes * R * 4, null, 'i32'],
    ['npig', lanes * 4, null, 'i32'],
    ['sumAll', lanes * 8, null, 'f64'],
    ['sum50', lanes * 8, null, 'f64'],
    ['defined', lanes * 4, null, 'i32'],
    ['outAp', lanes * 8, null, 'f64'],
    ['outAp50', lanes * 8, null, 'f64'],
    ['reached', 0, null, 'i32'],
  ];
  const at = layOut(
    wasm.memory,
    [0, plan.K, plan.T, R, plan.t50],
    regions.map(([name, bytes]) => ({ slot: SLOTS[name], bytes })),
  );
  if (!at) return null;
  const offsets = new Map(regions.map(([name], i) => [name as string, at[i]!]));
  const buffer = wasm.memory.buffer;
  for (const [name, , contents, type] of regions) {
    if (!contents) continue;
    const o = offsets.get(name)!;
    if (type === 'u8') new Uint8Array(buffer, o, contents.length).set(contents);
    else if (type === 'f64') new Float64Array(buffer, o, contents.length).set(contents);
    else new Int32Array(buffer, o, contents.length).set(contents);
  }
  const wAt = offsets.get('W')!;
  let W = new Int32Array(buffer, wAt, plan.I * lanes);
  const outAp = offsets.get('outAp')!;
  const outAp50 = offsets.get('outAp50')!;
  return {
    lanes,
    get W() {
      // A grown memory detaches the views of the old buffer.
      if (W.buffer !== wasm.memory.buffer) W = new Int32Array(wasm.memory.buffer, wAt, plan.I * lanes);
      return W;
    },
    run() {
      wasm.run();
      // The run may have grown the memory (the `reached` table): views of the new buffer.
      const b = wasm.memory.buffer;
      return { ap: new Float64Array(b, outAp, lanes), ap50: new Float64Array(b, outAp50, lanes) };
    },
  };
}
