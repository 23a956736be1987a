/**
 * One image of the demo "shapes" dataset and its exact annotations.
 *
 * Objects are painted in order, later ones over earlier ones. An owner map records which object
 * painted each pixel last, so every annotation describes what is visible in the finished image:
 *   - bbox: the visible extent [x, y, w, h] in pixels (x, y of the top-left pixel; w, h in pixels),
 *     so it is clipped to the image and shrinks when an occluder hides an edge. Not amodal.
 *   - area: the number of visible pixels of the object (its own rasterised mask minus what later
 *     objects cover), counted exactly, not estimated.
 * Occlusion is kept partial: an object is only placed if every annotated object it covers keeps at
 * least half of its pixels (crowds: 60%). Objects cut by the image border keep at least 40%.
 * A crowd is a dense cluster of tiny objects of one class annotated as one iscrowd=1 region whose
 * bbox and area are those of the cluster's visible pixels (the members are not annotated).
 * Unannotated distractors (off-class colours) may occlude objects under the same rules.
 */

import { Rng } from '../util/prng.ts';
import { paintBackground } from './background.ts';
import { type Clip, forEachSpan, type Shape, shapePixelArea } from './raster.ts';
import { DISTRACTOR_RGB, SHAPE_CLASSES, SHAPE_KINDS } from './shape-classes.ts';

export interface SceneAnnotation {
  categoryId: number;
  /** Visible extent [x, y, w, h] in pixels. */
  bbox: [number, number, number, number];
  /** Visible pixel count. */
  area: number;
  iscrowd: 0 | 1;
}

export interface Scene {
  width: number;
  height: number;
  /** RGB, interleaved, row-major, 0–255. */
  rgb: Uint8ClampedArray;
  annotations: SceneAnnotation[];
}

interface Item {
  categoryId: number;
  /** 0 for unannotated distractors. */
  annotated: boolean;
  iscrowd: 0 | 1;
  /** Pixels inside the image right after the item was painted. */
  drawn: number;
  /** Pixels still showing this item. */
  visible: number;
  /** The item refuses occluders that would leave less than this fraction of `drawn` visible. */
  keep: number;
}

interface Paint {
  rgb: readonly [number, number, number];
  /** Linear shading across the object: brightness × (1 + gradient · offset / radius). */
  gradient: number;
  gx: number;
  gy: number;
}

/** Every seeded choice of the generator lives here so that tuning the dataset is one place. */
const PARAMS = {
  minSide: 320,
  maxSide: 800,
  maxAspect: 2,
  objects: [2, 12] as const,
  distractors: [0, 3] as const,
  minSize: 8,
  maxSizeFraction: 0.6,
  maxSize: 380,
  crowdChance: 0.08,
  placementTries: 10,
  minInsideFraction: 0.4,
  minPixels: 12,
  keepObject: 0.5,
  keepCrowd: 0.6,
  grain: 7,
};

const NOISE = makeNoiseTable();

function makeNoiseTable(): Int8Array {
  const rng = new Rng(0x5eed);
  const table = new Int8Array(65536);
  for (let i = 0; i < table.length; i++) {
    // Triangular distribution in [-grain, grain]: sum of two uniforms looks like sensor grain.
    table[i] = Math.round((rng.next() + rng.next() - 1) * PARAMS.grain);
  }
  return table;
}

/** Renders the scene for `seed`. Pure: the same seed always gives the same pixels and annotations. */
export function renderScene(seed: number): Scene {
  const rng = new Rng(seed);
  let width = rng.int(PARAMS.minSide, PARAMS.maxSide);
  let height = rng.int(PARAMS.minSide, PARAMS.maxSide);
  if (width > PARAMS.maxAspect * height) height = Math.ceil(width / PARAMS.maxAspect);
  if (height > PARAMS.maxAspect * width) width = Math.ceil(height / PARAMS.maxAspect);

  const rgb = new Uint8ClampedArray(width * height * 3);
  paintBackground(rgb, width, height, rng);
  const canvas = new Canvas(width, height, rgb);

  if (rng.chance(PARAMS.crowdChance)) placeCrowd(canvas, rng);
  const nObjects = rng.int(...PARAMS.objects);
  const nDistractors = rng.int(...PARAMS.distractors);
  const order: boolean[] = [...Array(nObjects).fill(true), ...Array(nDistractors).fill(false)];
  // Shuffle (Fisher–Yates) so distractors land both under and over objects.
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const annotated of order) placeObject(canvas, rng, annotated);

  addGrain(rgb, rng.uint32());
  return { width, height, rgb, annotations: canvas.annotations() };
}

function placeObject(canvas: Canvas, rng: Rng, annotated: boolean): void {
  const cls = rng.pick(SHAPE_CLASSES);
  const kind = annotated ? cls.kind : rng.pick(SHAPE_KINDS);
  const base = annotated ? cls.rgb : rng.pick(DISTRACTOR_RGB);
  const maxSize = Math.min(PARAMS.maxSize, PARAMS.maxSizeFraction * Math.min(canvas.width, canvas.height));
  const size = rng.logUniform(PARAMS.minSize, maxSize);
  const paint = randomPaint(rng, base);
  const angle = rng.uniform(0, 2 * Math.PI);
  for (let attempt = 0; attempt < PARAMS.placementTries; attempt++) {
    const shape: Shape = {
      kind,
      cx: rng.uniform(-0.25 * size, canvas.width + 0.25 * size),
      cy: rng.uniform(-0.25 * size, canvas.height + 0.25 * size),
      size,
      angle,
    };
    const minInside = Math.max(PARAMS.minPixels, PARAMS.minInsideFraction * shapePixelArea(shape));
    const placed = canvas.tryPlace([shape], [paint], minInside, {
      categoryId: annotated ? cls.id : 0,
      annotated,
      iscrowd: 0,
      keep: annotated ? PARAMS.keepObject : 0,
    });
    if (placed) return;
  }
}

function placeCrowd(canvas: Canvas, rng: Rng): void {
  const cls = rng.pick(SHAPE_CLASSES);
  const radius = rng.uniform(20, 55);
  const cx = rng.uniform(radius, canvas.width - radius);
  const cy = rng.uniform(radius, canvas.height - radius);
  const members = rng.int(14, 32);
  const shapes: Shape[] = [];
  const paints: Paint[] = [];
  for (let i = 0; i < members; i++) {
    const r = radius * Math.sqrt(rng.next());
    const a = rng.uniform(0, 2 * Math.PI);
    shapes.push({
      kind: cls.kind,
      cx: cx + r * Math.cos(a),
      cy: cy + r * Math.sin(a),
      size: rng.uniform(5, 10),
      angle: rng.uniform(0, 2 * Math.PI),
    });
    paints.push(randomPaint(rng, cls.rgb));
  }
  canvas.tryPlace(shapes, paints, PARAMS.minPixels, {
    categoryId: cls.id,
    annotated: true,
    iscrowd: 1,
    keep: PARAMS.keepCrowd,
  });
}

function randomPaint(rng: Rng, base: readonly [number, number, number]): Paint {
  const brightness = rng.uniform(0.78, 1.08);
  const jitter = () => rng.uniform(-18, 18);
  const a = rng.uniform(0, 2 * Math.PI);
  return {
    rgb: [base[0] * brightness + jitter(), base[1] * brightness + jitter(), base[2] * brightness + jitter()],
    gradient: rng.uniform(0, 0.18),
    gx: Math.cos(a),
    gy: Math.sin(a),
  };
}

function addGrain(rgb: Uint8ClampedArray, offset: number): void {
  for (let p = 0; p < rgb.length; p++) rgb[p] = rgb[p]! + NOISE[(p + offset) & 65535]!;
}

/** The image being painted, with the owner map and per-item visible pixel counts. */
class Canvas {
  readonly width: number;
  readonly height: number;
  private readonly rgb: Uint8ClampedArray;
  /** Index into `items` of the item that painted each pixel last; -1 for background. */
  private readonly owner: Int32Array;
  private readonly items: Item[] = [];
  private covered = new Int32Array(64);
  /** Per-pixel marks for de-duplicating pixels within one placement attempt. */
  private readonly stamps: Int32Array;
  private stampId = 0;

  constructor(width: number, height: number, rgb: Uint8ClampedArray) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
    this.owner = new Int32Array(width * height).fill(-1);
    this.stamps = new Int32Array(width * height);
  }

  /**
   * Paints `shapes` as one new item unless that would break a rule (too little of it inside the
   * image, or an existing item left less visible than it keeps). Returns whether it was painted.
   */
  tryPlace(
    shapes: readonly Shape[],
    paints: readonly Paint[],
    minInside: number,
    item: Omit<Item, 'drawn' | 'visible'>,
  ): boolean {
    const clip = { x0: 0, y0: 0, x1: this.width, y1: this.height };
    if (this.covered.length < this.items.length) this.covered = new Int32Array(this.items.length * 2);
    const covered = this.covered;
    covered.fill(0, 0, this.items.length);
    // Dry run: count what each existing item would lose. A stamp per pixel makes pixels shared by
    // overlapping shapes of the same item (crowd members) count once.
    const stamp = ++this.stampId;
    let inside = 0;
    for (const shape of shapes) {
      forEachSpan(shape, clip, (y, x0, x1) => {
        for (let i = y * this.width + x0, end = y * this.width + x1; i < end; i++) {
          if (this.stamps[i] === stamp) continue;
          this.stamps[i] = stamp;
          inside++;
          const prev = this.owner[i]!;
          if (prev >= 0) covered[prev]!++;
        }
      });
    }
    if (inside < minInside) return false;
    for (let j = 0; j < this.items.length; j++) {
      const other = this.items[j]!;
      if (covered[j]! > 0 && other.visible - covered[j]! < other.keep * other.drawn) return false;
    }

    const id = this.items.length;
    const record: Item = { ...item, drawn: inside, visible: inside };
    this.items.push(record);
    shapes.forEach((shape, k) => {
      this.paint(shape, paints[k]!, clip, id);
    });
    return true;
  }

  /** Paints one shape of item `id` and hands its pixels over to it in the owner map. */
  private paint(shape: Shape, paint: Paint, clip: Clip, id: number): void {
    const r = Math.max(1, shape.size / 2);
    const [R, G, B] = paint.rgb;
    forEachSpan(shape, clip, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const i = y * this.width + x;
        const prev = this.owner[i]!;
        if (prev !== id) {
          if (prev >= 0) this.items[prev]!.visible--;
          this.owner[i] = id;
        }
        const shade = 1 + (paint.gradient * ((x - shape.cx) * paint.gx + (y - shape.cy) * paint.gy)) / r;
        const p = i * 3;
        this.rgb[p] = R * shade;
        this.rgb[p + 1] = G * shade;
        this.rgb[p + 2] = B * shade;
      }
    });
  }

  /** COCO-style annotations of the visible pixels, in painting order. */
  annotations(): SceneAnnotation[] {
    const n = this.items.length;
    const minX = new Int32Array(n).fill(this.width);
    const minY = new Int32Array(n).fill(this.height);
    const maxX = new Int32Array(n).fill(-1);
    const maxY = new Int32Array(n).fill(-1);
    const count = new Int32Array(n);
    for (let y = 0, i = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++, i++) {
        const o = this.owner[i]!;
        if (o < 0) continue;
        count[o]!++;
        if (x < minX[o]!) minX[o] = x;
        if (x > maxX[o]!) maxX[o] = x;
        if (y < minY[o]!) minY[o] = y;
        if (y > maxY[o]!) maxY[o] = y;
      }
    }
    const out: SceneAnnotation[] = [];
    this.items.forEach((item, o) => {
      if (!item.annotated) return;
      if (count[o] !== item.visible) throw new Error('internal: owner map and visible counts disagree');
      out.push({
        categoryId: item.categoryId,
        bbox: [minX[o]!, minY[o]!, maxX[o]! - minX[o]! + 1, maxY[o]! - minY[o]! + 1],
        area: count[o]!,
        iscrowd: item.iscrowd,
      });
    });
    return out;
  }
}
