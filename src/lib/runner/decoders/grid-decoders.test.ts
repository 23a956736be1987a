/**
 * The raw-grid families (yolox, nanodet, fastestdet) on tiny ONNX heads with the published
 * output layouts, decoded through the registry exactly as the runner binds them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildHeadModel, type HeadOutput } from '../../../../tests/support/head-model.ts';
import { mulberry32 } from '../../util/prng.ts';
import { finalizeDetections, noDrops } from '../postprocess.ts';
import { createSession, type ModelSession } from '../session.ts';
import { getDecoder } from './index.ts';
import {
  CandidateBuffer,
  type Candidates,
  candidateBox,
  candidateIndices,
  type DecodeContext,
  fillAllRows,
} from './types.ts';

const S = 64;
const ctx: DecodeContext = { inputWidth: S, inputHeight: S, conf: 0.05, maxDet: 100, multiLabel: true };
const sessions: ModelSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.release();
});

async function decode(family: string, outputs: HeadOutput[], numClasses = 2): Promise<Candidates> {
  const session = await createSession(buildHeadModel({ outputs, inputDims: [1, 3, S, S] }));
  sessions.push(session);
  const bound = getDecoder(family).bind(session.outputs, { numClasses, file: 'head.onnx' });
  const { outputs: results } = await session.run(
    { images: { data: new Float32Array(3 * S * S), dims: [1, 3, S, S] } },
    bound.outputNames,
  );
  return bound.decode(results, ctx)[0]!;
}

const rows = (c: Candidates) =>
  candidateIndices(c).map((i) => [...Array.from(candidateBox(c, i)), c.scores[i]!, c.classes[i]!]);

describe('yolox', () => {
  it('decodes the raw grid over strides 8/16/32 as demo_postprocess, score = obj × cls', async () => {
    // 64×64 input: 8² + 4² + 2² = 84 cells, rows of [x, y, log w, log h, obj, c0, c1].
    const base = new Float32Array(84 * 7);
    base.set([0.5, 0.5, Math.log(2), 0, 0.9, 0.8, 0.01], (2 * 8 + 3) * 7); // stride 8, cell (3, 2)
    base.set([0, 0, 0, 0, 0.5, 0, 1], 83 * 7); // stride 32, cell (1, 1)
    const c = await decode('yolox', [{ name: 'output', dims: [84, 7], base }]);
    expect(c.needsNms).toBe(true);
    const got = rows(c).map((r) => r.map((v) => Math.round(v * 1e4) / 1e4));
    expect(got).toEqual([
      [20, 16, 36, 24, 0.72, 0],
      [16, 16, 48, 48, 0.5, 1],
    ]);
  });

  it('refuses a cell count that does not tile the input', async () => {
    await expect(
      decode('yolox', [{ name: 'output', dims: [80, 7], base: new Float32Array(80 * 7) }]),
    ).rejects.toThrow(/80 cells do not tile a 64x64 input/);
  });
});

describe('nanodet', () => {
  const level = (cells: number, nc: number) => ({
    cls: new Float32Array(cells * nc),
    dist: new Float32Array(cells * 32),
  });
  it('pairs class and distribution maps by shape (not name) and integrates the GFL bins', async () => {
    const l0 = level(64, 2);
    const l1 = level(16, 2);
    const l2 = level(4, 2);
    l0.cls.set([0.6, 0], 10 * 2); // stride 8, cell (2, 1)
    // Each side: all mass on bin 2 → distance 2 × 8 = 16.
    for (let k = 0; k < 4; k++) l0.dist[10 * 32 + k * 8 + 2] = 50;
    // Names that say nothing, in an order that mixes levels.
    const c = await decode('nanodet', [
      { name: '839', dims: [4, 32], base: l2.dist },
      { name: '792', dims: [64, 2], base: l0.cls },
      { name: '817', dims: [16, 32], base: l1.dist },
      { name: '836', dims: [4, 2], base: l2.cls },
      { name: '795', dims: [64, 32], base: l0.dist },
      { name: '814', dims: [16, 2], base: l1.cls },
    ]);
    // Centre (2·8 + 3.5, 1·8 + 3.5) = (19.5, 11.5); y1 clipped to the input.
    expect(rows(c).map((r) => r.map((v) => Math.round(v * 1e4) / 1e4))).toEqual([
      [3.5, 0, 35.5, 27.5, 0.6, 0],
    ]);
  });

  it('says which shapes it could not pair', async () => {
    const l0 = level(64, 2);
    await expect(
      decode('nanodet', [
        { name: 'a', dims: [64, 2], base: l0.cls },
        { name: 'b', dims: [16, 32], base: new Float32Array(16 * 32) },
      ]),
    ).rejects.toThrow(
      /head\.onnx: model outputs \[1,64,2\], \[1,16,32\] do not match family 'nanodet'.*1 outputs have 64 cells/,
    );
  });
});

describe('fastestdet', () => {
  it('decodes tanh offsets and sigmoid sizes normalised to the image, score obj^0.6 × cls^0.4', async () => {
    // [7, 4, 4]: obj, tx, ty, tw, th, c0, c1 planes.
    const base = new Float32Array(7 * 16);
    const cell = 2 * 4 + 1; // (x 1, y 2)
    base[cell] = 0.64;
    base[5 * 16 + cell] = 0.81;
    const c = await decode('fastestdet', [{ name: '758', dims: [7, 4, 4], base }]);
    const score = 0.64 ** 0.6 * 0.81 ** 0.4;
    expect(rows(c).map((r) => r.map((v) => Math.round(v * 1e4) / 1e4))).toEqual([
      [0, 16, 32, 48, Math.round(score * 1e4) / 1e4, 0],
    ]);
  });
});

describe('fastestdet, multi-label at conf 0.001 (scores computed only for the rows NMS reads)', () => {
  it('finalizes exactly like every candidate pushed with its score, odd values included', () => {
    const gh = 22;
    const gw = 22; // 484 cells, as the real model: more rows than NMS's first stage reads
    const nc = 30;
    const plane = gh * gw;
    const conf = 0.001;
    const bound = getDecoder('fastestdet').bind([{ name: '758', dims: [1, 5 + nc, gh, gw] }], {
      numClasses: nc,
    });
    const transform = {
      originalWidth: 96,
      originalHeight: 96,
      inputWidth: 96,
      inputHeight: 96,
      ratioX: 1,
      ratioY: 1,
      padLeft: 0,
      padTop: 0,
    };
    const categoryIds = Int32Array.from({ length: nc }, (_, c) => c + 1);
    for (let seed = 1; seed <= 6; seed++) {
      const r = mulberry32(seed);
      const data = new Float32Array((5 + nc) * plane);
      for (let i = 0; i < plane; i++) {
        data[i] = r() < 0.1 ? 0 : r() ** 2; // objectness, some cells empty
        for (let k = 1; k < 5; k++) data[k * plane + i] = (r() - 0.5) * 4;
        // Boxes finalize drops, counting their entries: a NaN offset (non-finite), a width
        // whose sigmoid is 0 (clips to nothing), and edge cells pushed out of the image.
        const odd = r();
        if (odd < 0.02) data[plane + i] = Number.NaN;
        else if (odd < 0.04) data[3 * plane + i] = -1e4;
        else if (odd < 0.08 && i % gw === 0) {
          data[plane + i] = -30;
          data[3 * plane + i] = -12;
        }
        for (let c = 0; c < nc; c++) {
          const x = r();
          // Class scores: mostly small, some right at the conf boundary for this cell, and (seed 6)
          // NaN, negative and infinite ones.
          const objPart = data[i]! ** 0.6;
          const edge = objPart > 0 ? (conf / objPart) ** 2.5 : 0;
          data[(5 + c) * plane + i] =
            seed === 6 && x < 0.02
              ? [Number.NaN, -0.5, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY][Math.floor(x * 200)]!
              : x < 0.1
                ? edge * (1 + (r() - 0.5) * 1e-6)
                : Math.round(r() ** 4 * 1000) / 1000;
        }
      }
      const results = { '758': { name: '758', dims: [1, 5 + nc, gh, gw], data } };
      const ctx = { inputWidth: 96, inputHeight: 96, conf, maxDet: 100, multiLabel: true };
      // Reference: the candidates one by one, each score computed, as the decoder once did.
      const eager = new CandidateBuffer();
      for (let i = 0; i < plane; i++) {
        const obj = data[i]!;
        if (!(obj > 0)) continue;
        const cx = (((i % gw) + Math.tanh(data[plane + i]!)) / gw) * 96;
        const cy = ((Math.floor(i / gw) + Math.tanh(data[2 * plane + i]!)) / gh) * 96;
        const hw = ((1 / (1 + Math.exp(-data[3 * plane + i]!))) * 96) / 2;
        const hh = ((1 / (1 + Math.exp(-data[4 * plane + i]!))) * 96) / 2;
        for (let c = 0; c < nc; c++) {
          const score = obj ** 0.6 * data[(5 + c) * plane + i]! ** 0.4;
          if (score > conf) eager.push(cx - hw, cy - hh, cx + hw, cy + hh, score, c);
        }
      }
      // 0.05 suppresses nearly every overlap: NMS reads past its first stage, filling rows again.
      for (const iou of [0.7, 0.3, 0.05]) {
        const options = { conf, iou, maxDet: 100 };
        const want = noDrops();
        const expected = finalizeDetections(eager.finish(true), transform, categoryIds, 1, options, want);
        const got = noDrops();
        const lazy = bound.decode(results, ctx)[0]!;
        expect(lazy.fillRow).toBeDefined();
        expect(finalizeDetections(lazy, transform, categoryIds, 1, options, got)).toEqual(expected);
        expect(got).toEqual(want);
        expect(want.nonFinite).toBeGreaterThan(0);
        expect(want.empty).toBeGreaterThan(0);
        // Released, its arrays serve the next decode, which writes every row it reads afresh.
        lazy.release?.();
        // Every entry, once filled, is the eager score (or padding).
        expect(rows(bound.decode(results, ctx)[0]!)).toEqual(rows(eager.finish(true)));
      }
      // A row filled down to a score holds every entry at or above it exactly, even one equal to
      // it, also when it was filled down to a higher score first (every other row).
      const full = bound.decode(results, ctx)[0]!;
      fillAllRows(full);
      const partial = bound.decode(results, ctx)[0]!;
      for (let row = 0; row < full.boxes.length / 4; row += 7) {
        const entries = full.scores.subarray(row * nc, (row + 1) * nc);
        const atLeast = entries[Math.floor(r() * nc)]!;
        if (!(atLeast > conf)) continue;
        if (row % 2 === 0) partial.fillRow!(row, Math.max(...entries.filter((e) => e > atLeast), atLeast));
        partial.fillRow!(row, atLeast);
        for (let c = 0; c < nc; c++) {
          const want = entries[c]!;
          if (want >= atLeast) expect(partial.scores[row * nc + c]).toBe(want);
          else
            expect(
              partial.scores[row * nc + c]! < atLeast || Number.isNaN(partial.scores[row * nc + c]),
            ).toBe(true);
        }
      }
    }
  });
});
