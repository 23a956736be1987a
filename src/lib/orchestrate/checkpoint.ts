import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CocoDetection } from '../runner/postprocess.ts';

/**
 * A run's progress, one JSON line per image, appended as images finish, so that a run killed
 * half-way resumes where it stopped. Lines carry the image's detections (compact rows), its
 * timings and the milliseconds since its segment (one process's share of the run) started; a
 * torn last line from a kill is ignored.
 *
 *   {"k":"<cache key>"}                                       header
 *   {"i":<image id>,"s":<segment>,"e":<ms>,"t":[pre,inf,post],"d":[[x,y,w,h,cat,score],…],"n":[nonFinite,empty]}
 *   {"i":<image id>,"s":<segment>,"e":<ms>,"x":"<reason the image failed>","f":"<file>"}
 */
export interface CheckpointImage {
  imageId: number;
  segment: number;
  elapsedMs: number;
  timing?: [number, number, number];
  detections?: CocoDetection[];
  /** Candidates the post-processing dropped: [non-finite, clipped to nothing]. */
  dropped?: [number, number];
  failure?: { file: string; reason: string };
}

/** An image as read back: its detections stay compact rows, [x, y, w, h, categoryId, score]. */
export interface CheckpointRow extends Omit<CheckpointImage, 'detections'> {
  rows?: number[][];
}

export interface CheckpointState {
  images: Map<number, CheckpointRow>;
  segments: number;
}

export async function readCheckpoint(file: string, cacheKey: string): Promise<CheckpointState> {
  const state: CheckpointState = { images: new Map(), segments: 0 };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return state;
  }
  const lines = text.split('\n');
  const header = safeParse(lines[0] ?? '') as { k?: string } | undefined;
  if (header?.k !== cacheKey) return state; // another run's leftovers: start over
  for (const line of lines.slice(1)) {
    const row = safeParse(line) as
      | {
          i: number;
          s: number;
          e: number;
          t?: [number, number, number];
          d?: number[][];
          n?: [number, number];
          x?: string;
          f?: string;
        }
      | undefined;
    if (!row || typeof row.i !== 'number') continue;
    const image: CheckpointRow = { imageId: row.i, segment: row.s, elapsedMs: row.e };
    if (row.x !== undefined) image.failure = { file: row.f ?? '', reason: row.x };
    else {
      if (row.t) image.timing = row.t;
      if (row.n) image.dropped = row.n;
      image.rows = row.d ?? [];
    }
    state.images.set(row.i, image);
    state.segments = Math.max(state.segments, row.s + 1);
  }
  return state;
}

function safeParse(line: string): unknown {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export interface CheckpointWriter {
  add(image: CheckpointImage): Promise<void>;
}

export async function removeCheckpoint(file: string): Promise<void> {
  await rm(file, { force: true });
}

export async function openCheckpoint(
  file: string,
  cacheKey: string,
  fresh: boolean,
): Promise<CheckpointWriter> {
  await mkdir(dirname(file), { recursive: true });
  if (fresh) {
    await rm(file, { force: true });
    await appendFile(file, `${JSON.stringify({ k: cacheKey })}\n`);
  }
  return {
    async add(image) {
      const row: Record<string, unknown> = {
        i: image.imageId,
        s: image.segment,
        e: Math.round(image.elapsedMs),
      };
      if (image.failure) {
        row['x'] = image.failure.reason;
        row['f'] = image.failure.file;
      } else {
        row['t'] = image.timing?.map((v) => Math.round(v * 1000) / 1000);
        row['d'] = (image.detections ?? []).map((d) => [...d.bbox, d.category_id, d.score]);
        if (image.dropped && (image.dropped[0] > 0 || image.dropped[1] > 0)) row['n'] = image.dropped;
      }
      await appendFile(file, `${JSON.stringify(row)}\n`);
    },
  };
}
