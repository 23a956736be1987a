/**
 * The JSON readers' WebAssembly lanes (wasm/results-scan.ts and wasm/annotations-scan.ts, built
 * to results-scan.wasm and annotations-scan.wasm): runs of plain results entries or annotations
 * read at about three times the speed of the JavaScript scanner, which goes on from wherever the
 * lane stops (read-results.ts, read-gt.ts). The lane takes only entries whose every byte
 * and number it is sure of, so the columns are the same with it or without it; the differential
 * tests run both ways.
 *
 * The module reads a window of the file copied into its memory (a copy of 42 MB costs ~5 ms;
 * keeping the whole file there would double the bytes resident), refilled as the scan moves on.
 */
import { wasmModule } from '../util/wasm-module.ts';

interface LaneExports {
  readonly memory: WebAssembly.Memory;
  readonly IN: WebAssembly.Global;
  readonly WINDOW: WebAssembly.Global;
  readonly OUT: WebAssembly.Global;
  readonly CAP: WebAssembly.Global;
  scan(p: number, max: number, stopAt: number): number;
  lastEnd(): number;
}

/** A window is refilled when fewer bytes than this are left in it (no plain entry is longer). */
const MARGIN = 1 << 14;

const instances = new Map<string, LaneExports | null>();
let enabled = true;

/** For the differential tests: the readers with their lanes (the default) or without them. */
export function useJsonLanes(on: boolean): void {
  enabled = on;
}

/** A lane module's exports (one instance per thread), or null where it cannot be loaded. */
function exportsOf(file: string): LaneExports | null {
  let instance = instances.get(file);
  if (instance === undefined) {
    const module = wasmModule(new URL(file, import.meta.url));
    instance = module && (new WebAssembly.Instance(module).exports as unknown as LaneExports);
    instances.set(file, instance);
  }
  return instance;
}

/** The lane over one buffer (a results file, or part of one), for one scan. */
/** A column the lane fills (a Uint8Array takes 0/1 columns such as iscrowd, converted by set). */
export type LaneColumn = Float64Array | Uint8Array;

export interface JsonLane {
  /**
   * Entries from offset pos of the buffer, at most `room`, stopping before an entry that would
   * start at stopAt (-1: none), into the lane's columns from row n; returns how many, 0 where the lane does not take the entry at pos. `end` is then the
   * offset just past the last one's '}'.
   */
  take(pos: number, room: number, stopAt: number, columns: readonly LaneColumn[], n: number): number;
  readonly end: number;
}

/** The results lane (wasm/results-scan.ts): image id, category id, x, y, w, h, score. */
export function resultsLane(bytes: Uint8Array): JsonLane | null {
  return laneOver('./results-scan.wasm', bytes, 7);
}

/**
 * The annotations lane (wasm/annotations-scan.ts): nine columns (id, image id, category id, x,
 * y, w, h, area or NaN, iscrowd); no stopAt.
 */
export function annotationsLane(bytes: Uint8Array): JsonLane | null {
  return laneOver('./annotations-scan.wasm', bytes, 9);
}

function laneOver(file: string, bytes: Uint8Array, columnCount: number): JsonLane | null {
  const wasm = enabled ? exportsOf(file) : null;
  if (!wasm) return null;
  const IN = wasm.IN.value as number;
  const WINDOW = wasm.WINDOW.value as number;
  const OUT = (wasm.OUT.value as number) / 8;
  const CAP = wasm.CAP.value as number;
  // The module never grows its memory, so these views stay valid.
  const u8 = new Uint8Array(wasm.memory.buffer);
  const f64 = new Float64Array(wasm.memory.buffer);
  let start = 0;
  let stop = -1;
  // Where the lane gave up on an entry (row n), it is tried again `gap` rows on, the gap doubling
  // while it keeps giving up (a file whose entries it never takes costs ~1/4096 of a call per
  // entry), and closing again once it takes some.
  let retryAt = 0;
  let gap = 1;
  const fill = (from: number) => {
    start = from;
    stop = Math.min(bytes.length, from + WINDOW);
    u8.set(bytes.subarray(start, stop), IN);
    // A 0 byte is in no JSON token: the lane stops there rather than read past the window.
    u8[IN + stop - start] = 0;
  };
  const lane = {
    end: 0,
    take(pos: number, room: number, stopAt: number, columns: readonly LaneColumn[], n: number): number {
      if (n < retryAt) return 0;
      if (pos < start || pos >= stop || (stop - pos < MARGIN && stop < bytes.length)) fill(pos);
      const stopIn = stopAt >= start && stopAt < stop ? stopAt - start : -1;
      const k = wasm.scan(pos - start, Math.min(room, CAP), stopIn);
      if (k === 0) {
        retryAt = n + gap;
        gap = Math.min(2 * gap, 4096);
        return 0;
      }
      gap = 1;
      for (let c = 0; c < columnCount; c++)
        columns[c]!.set(f64.subarray(OUT + c * CAP, OUT + c * CAP + k), n);
      lane.end = start + wasm.lastEnd();
      return k;
    },
  };
  return lane;
}
