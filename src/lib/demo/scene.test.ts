import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../util/prng.ts';
import { renderScene } from './scene.ts';
import { SHAPE_CLASSES } from './shape-classes.ts';

const sha = (data: Uint8ClampedArray) => createHash('sha256').update(data).digest('hex');

describe('Rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.uint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a', 2));
  });

  it('keeps int() within bounds, both ends reachable', () => {
    const r = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('renderScene', () => {
  it('is a pure function of its seed', () => {
    const a = renderScene(hashSeed('scene-test', 1));
    const b = renderScene(hashSeed('scene-test', 1));
    const c = renderScene(hashSeed('scene-test', 2));
    expect(sha(a.rgb)).toBe(sha(b.rgb));
    expect(a.annotations).toEqual(b.annotations);
    expect(sha(a.rgb)).not.toBe(sha(c.rgb));
  });

  it('annotates visible extents inside the image, with areas that fit their boxes', () => {
    const ids = new Set(SHAPE_CLASSES.map((c) => c.id));
    for (let i = 1; i <= 25; i++) {
      const scene = renderScene(hashSeed('scene-test', i));
      expect(scene.rgb.length).toBe(scene.width * scene.height * 3);
      expect(scene.width).toBeGreaterThanOrEqual(320);
      expect(scene.height).toBeLessThanOrEqual(800);
      expect(Math.max(scene.width / scene.height, scene.height / scene.width)).toBeLessThanOrEqual(2);
      for (const a of scene.annotations) {
        const [x, y, w, h] = a.bbox;
        expect(ids.has(a.categoryId)).toBe(true);
        expect(Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(w) && Number.isInteger(h)).toBe(
          true,
        );
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(x + w).toBeLessThanOrEqual(scene.width);
        expect(y + h).toBeLessThanOrEqual(scene.height);
        expect(a.area).toBeGreaterThanOrEqual(6);
        expect(a.area).toBeLessThanOrEqual(w * h);
        // A visible region spans its box: at least one pixel per row and per column.
        expect(a.area).toBeGreaterThanOrEqual(Math.max(w, h));
      }
    }
  });

  it('paints the annotated colour inside small unoccluded boxes', () => {
    // The centre pixel of a convex, compact object is its own colour (give or take jitter).
    let checked = 0;
    for (let i = 1; i <= 10; i++) {
      const scene = renderScene(hashSeed('scene-test', i));
      for (const a of scene.annotations) {
        const cls = SHAPE_CLASSES.find((c) => c.id === a.categoryId)!;
        const [x, y, w, h] = a.bbox;
        if (a.iscrowd || cls.kind !== 'circle' || a.area < 0.7 * Math.PI * (w / 2) * (h / 2)) continue;
        const p = ((y + (h >> 1)) * scene.width + x + (w >> 1)) * 3;
        const d = Math.hypot(
          scene.rgb[p]! - cls.rgb[0],
          scene.rgb[p + 1]! - cls.rgb[1],
          scene.rgb[p + 2]! - cls.rgb[2],
        );
        expect(d).toBeLessThan(80);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });
});
