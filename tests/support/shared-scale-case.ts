/**
 * The val2017-scale parity case of the shared generator (shared/fixtures/coco-scale/make_case.py:
 * `make_scale`, with `gen_case` and `rand_box`), ported to TypeScript so that no Python is needed:
 * the same numpy RandomState draws in the same order, Python's round() and json.dump's float repr
 * and separators, so the bytes equal those the Python script writes (their sha256 is in
 * tests/fixtures/coco-scale/expected.json). 5,000 images, 36,797 GT, 500,000 detections.
 *
 *   npx node tests/support/shared-scale-case.ts OUTDIR [SEED]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScaleCase } from './coco-scale-case.ts';
import { pyFloat, pyRound, RandomState } from './numpy-random.ts';

type Box = [number, number, number, number];

// np.log of the generator's constants, correctly rounded as numpy computes them (V8's Math.log(3)
// is one ulp below).
const LOG: Record<number, number> = {
  0.3: -1.2039728043259361,
  3: 1.0986122886681098,
  80: 4.382026634673881,
  500: 6.214608098422191,
  600: 6.396929655216146,
};

function randBox(rs: RandomState, W: number, H: number, sideLo = 3, sideHi = 500): Box {
  const side = Math.exp(rs.uniform(LOG[sideLo]!, LOG[sideHi]!));
  const ar = Math.exp(rs.uniform(LOG[0.3]!, LOG[3]!));
  const w = Math.min(side * Math.sqrt(ar), W * 1.0);
  const h = Math.min(side / Math.sqrt(ar), H * 1.0);
  const x = rs.uniform(0, Math.max(W - w, 1e-3));
  const y = rs.uniform(0, Math.max(H - h, 1e-3));
  return [x, y, w, h];
}

function jitter(rs: RandomState, [x, y, w, h]: Box, s: number): Box {
  const jx = x + rs.normal(0, s * w);
  const jy = y + rs.normal(0, s * h);
  const jw = Math.max(w * Math.exp(rs.normal(0, s)), 0.0);
  const jh = Math.max(h * Math.exp(rs.normal(0, s)), 0.0);
  return [jx, jy, jw, jh];
}

interface Image {
  id: number;
  width: number;
  height: number;
}
interface Ann {
  id: number;
  imageId: number;
  categoryId: number;
  bbox: Box;
  area: number;
  iscrowd: number;
}
interface Det {
  imageId: number;
  categoryId: number;
  bbox: Box;
  score: number;
}

/**
 * gen_case with the arguments make_scale gives it (every other option at its default: no ties,
 * no degenerate boxes, no empty images, ...).
 */
function genCase(
  seed: number,
  nImg: number,
  catIds: readonly number[],
  lam: number,
  pCrowd: number,
  fpLam: number,
) {
  const pDet = 0.8;
  const pMis = 0.08;
  const dupP = 0.1;
  const jit = 0.08;
  const rs = new RandomState(seed);
  const imgIds = Array.from(rs.choiceWithoutReplacement(10 * nImg, nImg), (i) => i + 1);
  const images: Image[] = [];
  const anns: Ann[] = [];
  let dets: Det[] = [];
  let aid = 1;
  for (const iid of imgIds) {
    const W = rs.randint(200, 1000);
    const H = rs.randint(200, 1000);
    images.push({ id: iid, width: W, height: H });
    const k = rs.poisson(lam);
    const imgGt: [number, Box, number][] = [];
    for (let j = 0; j < k; j++) {
      const c = rs.choice(catIds);
      let b = randBox(rs, W, H);
      const crowd = rs.random() < pCrowd ? 1 : 0;
      if (crowd) b = randBox(rs, W, H, 80, 600);
      anns.push({ id: aid, imageId: iid, categoryId: c, bbox: b, area: b[2] * b[3], iscrowd: crowd });
      imgGt.push([c, b, crowd]);
      aid += 1;
    }
    const imgDets: [number, Box, number][] = [];
    for (const [c, b, crowd] of imgGt) {
      if (crowd) {
        const n = rs.randint(3, 8);
        for (let j = 0; j < n; j++) {
          const [x, y, w, h] = b;
          const sw = rs.uniform(5, 60);
          const sh = rs.uniform(5, 60);
          const dx = x + rs.uniform(0, Math.max(w - sw, 1));
          const dy = y + rs.uniform(0, Math.max(h - sh, 1));
          imgDets.push([c, [dx, dy, sw, sh], rs.beta(2, 3)]);
        }
        continue;
      }
      if (rs.random() < pDet) {
        const cc = rs.random() > pMis ? c : rs.choice(catIds);
        const jb = jitter(rs, b, jit);
        imgDets.push([cc, jb, rs.beta(5, 2)]);
        if (rs.random() < dupP) {
          const jb2 = jitter(rs, b, jit * 2);
          imgDets.push([cc, jb2, rs.beta(2, 4)]);
        }
      }
    }
    const nFp = rs.poisson(fpLam);
    for (let j = 0; j < nFp; j++) {
      const c = rs.choice(catIds);
      const b = randBox(rs, W, H);
      imgDets.push([c, b, rs.beta(1.5, 5)]);
    }
    for (const [c, b, s] of imgDets) dets.push({ imageId: iid, categoryId: c, bbox: b, score: s });
  }
  const order = rs.permutation(dets.length);
  dets = Array.from(order, (i) => dets[i]!);
  return { images, anns, dets };
}

const box = (b: readonly number[]) => `[${b.map(pyFloat).join(', ')}]`;

/** make_scale(seed): the case's gt.json and dt.json text, byte for byte as json.dump writes them. */
export function makeSharedScaleCase(seed = 2026): ScaleCase {
  const catIds = Array.from({ length: 80 }, (_, i) => i + 1);
  const { images, anns, dets } = genCase(seed, 5000, catIds, 7.36, 0.01, 12.0);
  // exactly 100 detections per image: the best 100 by score, padded with low-score false positives
  const rs = new RandomState(seed + 1);
  const byImg = new Map<number, Det[]>();
  for (const d of dets) {
    const list = byImg.get(d.imageId);
    if (list) list.push(d);
    else byImg.set(d.imageId, [d]);
  }
  const full: Det[] = [];
  for (const im of images) {
    // sorted(key=-score) is stable, as Array.prototype.sort is
    const L = (byImg.get(im.id) ?? [])
      .slice()
      .sort((a, b) => -a.score - -b.score)
      .slice(0, 100);
    while (L.length < 100) {
      const categoryId = rs.randint(1, 81);
      const bbox = randBox(rs, im.width, im.height);
      L.push({ imageId: im.id, categoryId, bbox, score: rs.beta(1.1, 12) });
    }
    full.push(...L);
  }
  const gtText =
    `{"images": [${images.map((im) => `{"id": ${im.id}, "width": ${im.width}, "height": ${im.height}, "file_name": "${String(im.id).padStart(12, '0')}.jpg"}`).join(', ')}], ` +
    `"annotations": [${anns
      .map(
        (a) =>
          `{"id": ${a.id}, "image_id": ${a.imageId}, "category_id": ${a.categoryId}, "bbox": ${box(a.bbox.map((v) => pyRound(v, 2)))}, "area": ${pyFloat(pyRound(a.area, 2))}, "iscrowd": ${a.iscrowd}}`,
      )
      .join(', ')}], ` +
    `"categories": [${catIds.map((c) => `{"id": ${c}, "name": "class_${c}", "supercategory": "thing"}`).join(', ')}]}`;
  const dtText = `[${full
    .map(
      (d) =>
        `{"image_id": ${d.imageId}, "category_id": ${d.categoryId}, "bbox": ${box(d.bbox.map((v) => pyRound(v, 2)))}, "score": ${pyFloat(pyRound(d.score, 5))}}`,
    )
    .join(', ')}]`;
  return { gtText, dtText, images: images.length, annotations: anns.length, detections: full.length };
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node tests/support/shared-scale-case.ts OUTDIR [SEED]');
    process.exit(2);
  }
  const c = makeSharedScaleCase(Number(process.argv[3] ?? 2026));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'gt.json'), c.gtText);
  writeFileSync(join(out, 'dt.json'), c.dtText);
  console.log(`${out}: ${c.images} images, ${c.annotations} GT, ${c.detections} detections`);
}
