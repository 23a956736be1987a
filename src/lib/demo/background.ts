/**
 * Textured backgrounds for the demo dataset: gradients, stripes, value noise and checkers, in muted
 * colours so that the saturated class colours stand out, but not always by much (a few backgrounds
 * are more saturated on purpose).
 *
 * Pixels are RGB, interleaved, row-major, 0–255 (the layout sharp takes as raw input).
 */
import type { Rng } from '../util/prng.ts';

export type Rgb = [number, number, number];

export type BackgroundKind = 'gradient' | 'stripes' | 'noise' | 'checker';

/** HSV (all in [0, 1]) to RGB 0–255. */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const rgb: Rgb = [[v, q, p, p, t, v][i]!, [t, v, v, q, p, p][i]!, [p, p, t, v, v, q][i]!];
  return [rgb[0] * 255, rgb[1] * 255, rgb[2] * 255];
}

function mutedColour(rng: Rng, maxSaturation: number): Rgb {
  return hsvToRgb(rng.next(), rng.uniform(0, maxSaturation), rng.uniform(0.25, 0.9));
}

/**
 * Fills `rgb` (length w*h*3) with a random background and returns its kind.
 * Two or three muted colours are mixed by a per-pixel weight in [0, 1] that the texture defines.
 */
export function paintBackground(rgb: Uint8ClampedArray, w: number, h: number, rng: Rng): BackgroundKind {
  const kind = rng.pick<BackgroundKind>(['gradient', 'stripes', 'noise', 'noise', 'checker']);
  const maxS = rng.chance(0.1) ? 0.55 : 0.3;
  const c0 = mutedColour(rng, maxS);
  const c1 = mutedColour(rng, maxS);
  const weight = weightField(kind, w, h, rng);
  for (let i = 0, p = 0; i < w * h; i++, p += 3) {
    const t = weight[i]!;
    rgb[p] = c0[0] + (c1[0] - c0[0]) * t;
    rgb[p + 1] = c0[1] + (c1[1] - c0[1]) * t;
    rgb[p + 2] = c0[2] + (c1[2] - c0[2]) * t;
  }
  return kind;
}

/** Mixing weight per pixel, row-major, in [0, 1]. */
function weightField(kind: BackgroundKind, w: number, h: number, rng: Rng): Float32Array {
  const out = new Float32Array(w * h);
  const angle = rng.uniform(0, Math.PI);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  switch (kind) {
    case 'gradient': {
      // Linear ramp across the image along a random direction.
      const span = Math.abs(ux) * w + Math.abs(uy) * h;
      const offset = Math.min(0, ux * w) + Math.min(0, uy * h);
      for (let y = 0, i = 0; y < h; y++) {
        for (let x = 0; x < w; x++, i++) out[i] = (x * ux + y * uy - offset) / span;
      }
      break;
    }
    case 'stripes': {
      // A soft square wave sampled from a table, so each pixel costs a multiply and a lookup.
      const period = rng.uniform(6, 40);
      const profile = new Float32Array(256);
      for (let k = 0; k < 256; k++) {
        profile[k] = Math.min(1, Math.max(0, 0.5 + 1.5 * Math.sin((2 * Math.PI * k) / 256)));
      }
      const scale = 256 / period;
      for (let y = 0, i = 0; y < h; y++) {
        for (let x = 0; x < w; x++, i++) {
          const u = (x * ux + y * uy) * scale;
          out[i] = profile[Math.floor(u) & 255]!;
        }
      }
      break;
    }
    case 'noise': {
      addValueNoise(out, w, h, rng.uniform(50, 140), 0.7, rng);
      addValueNoise(out, w, h, rng.uniform(12, 30), 0.3, rng);
      break;
    }
    case 'checker': {
      const cell = rng.uniform(18, 70);
      for (let y = 0, i = 0; y < h; y++) {
        const row = Math.floor(y / cell);
        for (let x = 0; x < w; x++, i++) out[i] = (row + Math.floor(x / cell)) & 1 ? 0.85 : 0.15;
      }
      break;
    }
  }
  return out;
}

/** Adds `amplitude` × smooth value noise (lattice spacing `cell` pixels, values in [0, 1]). */
function addValueNoise(out: Float32Array, w: number, h: number, cell: number, amplitude: number, rng: Rng) {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const lattice = new Float32Array(gw * gh);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next();
  const fx = new Float32Array(w);
  const ix = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    const u = x / cell;
    ix[x] = Math.floor(u);
    const f = u - ix[x]!;
    fx[x] = f * f * (3 - 2 * f);
  }
  for (let y = 0, i = 0; y < h; y++) {
    const v = y / cell;
    const iy = Math.floor(v);
    const f = v - iy;
    const fy = f * f * (3 - 2 * f);
    const r0 = iy * gw;
    const r1 = r0 + gw;
    for (let x = 0; x < w; x++, i++) {
      const a = lattice[r0 + ix[x]!]!;
      const b = lattice[r0 + ix[x]! + 1]!;
      const c = lattice[r1 + ix[x]!]!;
      const d = lattice[r1 + ix[x]! + 1]!;
      const top = a + (b - a) * fx[x]!;
      const bottom = c + (d - c) * fx[x]!;
      out[i] = out[i]! + amplitude * (top + (bottom - top) * fy);
    }
  }
}
