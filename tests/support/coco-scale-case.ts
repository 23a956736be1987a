/**
 * A deterministic COCO val2017-scale case: 5,000 images, ~36,800 GT boxes over 80 classes with a
 * COCO-like size mix (about 41% small, 34% medium, 25% large) and ~1% crowd regions, and exactly
 * 100 detections per image (500,000), written as real tools write them: boxes with 2 decimals,
 * scores with 5. The same seed gives the same bytes.
 *
 *   npx node tests/support/coco-scale-case.ts OUTDIR [SEED]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/lib/util/prng.ts';

export interface ScaleCase {
  gtText: string;
  dtText: string;
  images: number;
  annotations: number;
  detections: number;
}

export function makeScaleCase(seed = 2026, nImages = 5000, detsPerImage = 100, classes = 80): ScaleCase {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const poisson = (lambda: number) => {
    let k = 0;
    let p = Math.exp(-lambda);
    let s = p;
    const u = rand();
    while (u > s && k < 100) {
      k++;
      p *= lambda / k;
      s += p;
    }
    return k;
  };
  // Class frequencies skewed like COCO's (one dominant class, a long tail); LVIS-shaped with 1,203.
  const K = classes;
  const weights = Array.from({ length: K }, (_, k) => (k === 0 ? 12 : 1 / (1 + k / 8)));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  weights.reduce((acc, w, k) => (cdf[k] = acc + w / total), 0);
  const pickClass = () => {
    const u = rand();
    let k = 0;
    while (k < K - 1 && cdf[k]! < u) k++;
    return k + 1;
  };
  const f2 = (v: number) => Math.round(v * 100) / 100;
  const box = (W: number, H: number, logLo: number, logHi: number) => {
    const side = Math.exp(logLo + (logHi - logLo) * rand());
    const ar = Math.exp(Math.log(0.4) + Math.log(2.5 / 0.4) * rand());
    const w = Math.min(side * Math.sqrt(ar), W);
    const h = Math.min(side / Math.sqrt(ar), H);
    return [f2(rand() * (W - w)), f2(rand() * (H - h)), f2(w), f2(h)] as [number, number, number, number];
  };

  const images: string[] = [];
  const anns: string[] = [];
  const dets: string[] = [];
  let annId = 1;
  for (let i = 0; i < nImages; i++) {
    const id = 1 + i * 7 + Math.floor(rand() * 7); // sparse, increasing ids like COCO's
    const W = 480 + Math.floor(rand() * 161);
    const H = 360 + Math.floor(rand() * 281);
    images.push(`{"id":${id},"width":${W},"height":${H},"file_name":"${String(id).padStart(12, '0')}.jpg"}`);
    const n = poisson(7.36);
    const gts: [number, number[], number][] = [];
    for (let j = 0; j < n; j++) {
      const c = pickClass();
      const crowd = rand() < 0.01 ? 1 : 0;
      const u = rand();
      // log side ranges for small / medium / large, mixed ~41/34/25
      const b = crowd
        ? box(W, H, Math.log(60), Math.log(400))
        : u < 0.41
          ? box(W, H, Math.log(4), Math.log(32))
          : u < 0.75
            ? box(W, H, Math.log(32), Math.log(96))
            : box(W, H, Math.log(96), Math.log(520));
      const area = f2(b[2] * b[3] * (0.55 + 0.3 * rand())); // a segment covers part of its box
      anns.push(
        `{"id":${annId++},"image_id":${id},"category_id":${c},"bbox":[${b.join(',')}],"area":${area},"iscrowd":${crowd}}`,
      );
      gts.push([c, b, crowd]);
    }
    const imageDets: string[] = [];
    const push = (c: number, b: number[], s: number) => {
      if (imageDets.length < detsPerImage) {
        imageDets.push(
          `{"image_id":${id},"category_id":${c},"bbox":[${b.map(f2).join(',')}],"score":${Math.round(s * 1e5) / 1e5}}`,
        );
      }
    };
    for (const [c, b, crowd] of gts) {
      if (crowd || rand() > 0.85) continue;
      const jit = 0.04 + 0.12 * rand();
      const jb = [
        b[0]! + normal() * jit * b[2]!,
        b[1]! + normal() * jit * b[3]!,
        b[2]! * Math.exp(normal() * jit),
        b[3]! * Math.exp(normal() * jit),
      ];
      push(rand() < 0.08 ? pickClass() : c, jb, 0.3 + 0.7 * rand() ** 0.5);
      if (rand() < 0.15)
        push(
          c,
          jb.map((v) => v * (1 + 0.1 * normal())),
          0.05 + 0.4 * rand(),
        );
    }
    while (imageDets.length < detsPerImage)
      push(pickClass(), box(W, H, Math.log(4), Math.log(300)), 0.001 + 0.5 * rand() ** 3);
    // Results files are not grouped by score; shuffle within the image.
    for (let j = imageDets.length - 1; j > 0; j--) {
      const r = Math.floor(rand() * (j + 1));
      [imageDets[j], imageDets[r]] = [imageDets[r]!, imageDets[j]!];
    }
    for (const d of imageDets) dets.push(d);
  }
  const categories = Array.from(
    { length: K },
    (_, k) => `{"id":${k + 1},"name":"class_${k + 1}","supercategory":"thing"}`,
  );
  const gtText = `{"images":[${images.join(',')}],"annotations":[${anns.join(',')}],"categories":[${categories.join(',')}]}`;
  return {
    gtText,
    dtText: `[${dets.join(',')}]`,
    images: nImages,
    annotations: anns.length,
    detections: dets.length,
  };
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node tests/support/coco-scale-case.ts OUTDIR [SEED]');
    process.exit(2);
  }
  const c = makeScaleCase(Number(process.argv[3] ?? 2026));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'gt.json'), c.gtText);
  writeFileSync(join(out, 'dt.json'), c.dtText);
  console.log(`${out}: ${c.images} images, ${c.annotations} GT, ${c.detections} detections`);
}
