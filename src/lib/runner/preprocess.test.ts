import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32 } from '../onnx/float16.ts';
import { inputToOriginal, originalToInput } from './boxes.ts';
import { computePlacement, roundHalfEven } from './letterbox.ts';
import { normalisationTable, preprocessImage, resizeImage, stackBatch, writeTensor } from './preprocess.ts';

/** A solid-colour PNG with an optional rectangle of another colour. */
async function png(
  width: number,
  height: number,
  bg: [number, number, number],
  rect?: { left: number; top: number; width: number; height: number; colour: [number, number, number] },
  channels: 1 | 3 | 4 = 3,
): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside =
        rect && x >= rect.left && x < rect.left + rect.width && y >= rect.top && y < rect.top + rect.height;
      const c = inside ? rect.colour : bg;
      data.set(c, (y * width + x) * 3);
    }
  }
  let img = sharp(data, { raw: { width, height, channels: 3 } });
  if (channels === 1) img = img.greyscale();
  if (channels === 4) img = img.ensureAlpha(0.5);
  return img.png().toBuffer();
}

describe('letterbox geometry (Ultralytics LetterBox arithmetic)', () => {
  const cases: [string, number, number, Parameters<typeof computePlacement>[2], object][] = [
    [
      'landscape 640x480 into 640',
      640,
      480,
      { size: [640, 640] },
      { resizedWidth: 640, resizedHeight: 480, padTop: 80, padBottom: 80, padLeft: 0 },
    ],
    [
      'upscale 500x375 into 640',
      500,
      375,
      { size: [640, 640] },
      { ratioX: 1.28, resizedWidth: 640, resizedHeight: 480, padTop: 80 },
    ],
    // 333 * 1.28 = 426.24 → 426; dw = 214 → 107 / 107.
    [
      'portrait 333x500 into 640',
      333,
      500,
      { size: [640, 640] },
      { resizedWidth: 426, resizedHeight: 640, padLeft: 107, padRight: 107 },
    ],
    // 51 * 0.64 = 32.64 → 33; dh = 31 → top round(15.4) = 15, bottom round(15.6) = 16.
    [
      'odd padding 100x51 into 64',
      100,
      51,
      { size: [64, 64] },
      { resizedHeight: 33, padTop: 15, padBottom: 16 },
    ],
    // 5 * 0.5 = 2.5 → 2 under Python's round (round-half-up would give 3).
    [
      'half to even 8x5 into 4',
      8,
      5,
      { size: [4, 4] },
      { resizedWidth: 4, resizedHeight: 2, padTop: 1, padBottom: 1 },
    ],
    ['half to even 8x7 into 4', 8, 7, { size: [4, 4] }, { resizedHeight: 4, padTop: 0, padBottom: 0 }],
    [
      'non-square input [384, 640]',
      640,
      640,
      { size: [384, 640] },
      {
        resizedWidth: 384,
        resizedHeight: 384,
        padLeft: 128,
        padRight: 128,
        inputWidth: 640,
        inputHeight: 384,
      },
    ],
    // dynamic: 1000x610, maxSize 640 → 640x390 (390.4), dh = 250 mod 32 = 26 → 13 / 13, tensor 640x416.
    [
      'dynamic 1000x610',
      1000,
      610,
      { dynamic: { maxSize: 640, stride: 32 } },
      { resizedHeight: 390, inputWidth: 640, inputHeight: 416, padTop: 13, padBottom: 13 },
    ],
    [
      'dynamic 1000x600',
      1000,
      600,
      { dynamic: { maxSize: 640, stride: 32 } },
      { inputWidth: 640, inputHeight: 384, padTop: 0 },
    ],
  ];
  it.each(cases)('%s', (_name, w0, h0, input, expected) => {
    const p = computePlacement(w0, h0, input, 'letterbox');
    expect(p).toMatchObject(expected);
    expect(p.padLeft + p.resizedWidth + p.padRight).toBe(p.inputWidth);
    expect(p.padTop + p.resizedHeight + p.padBottom).toBe(p.inputHeight);
  });

  it('stretch scales axes independently with no padding', () => {
    const p = computePlacement(200, 100, { size: [64, 32] }, 'stretch');
    expect(p).toMatchObject({
      inputWidth: 32,
      inputHeight: 64,
      ratioX: 0.16,
      ratioY: 0.64,
      padLeft: 0,
      padTop: 0,
    });
  });

  it('roundHalfEven matches Python round()', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3, 3]);
  });

  it('maps boxes forward and back (inverse letterbox and stretch) and clips to the image', () => {
    for (const mode of ['letterbox', 'stretch'] as const) {
      const t = computePlacement(333, 500, { size: [640, 640] }, mode);
      const boxes = new Float32Array([10, 20, 300, 480, 0, 0, 333, 500]);
      const back = inputToOriginal(originalToInput(boxes, t), t);
      for (let i = 0; i < boxes.length; i++) expect(back[i]).toBeCloseTo(boxes[i]!, 3);
    }
    const t = computePlacement(333, 500, { size: [640, 640] }, 'letterbox');
    // A box in the left padding maps to x < 0 and is clipped to 0.
    const clipped = inputToOriginal(new Float32Array([0, 0, 107 + 12.8, 64]), t);
    [0, 0, 10, 50].forEach((v, i) => {
      expect(clipped[i]).toBeCloseTo(v, 4);
    });
  });
});

describe('preprocessImage', () => {
  it('letterboxes real pixels: pad value, colour order, normalisation, and a rectangle lands where the transform says', async () => {
    // 60x30 image, grey background, red rectangle at x 10..29, y 5..14.
    const img = await png(60, 30, [50, 60, 70], {
      left: 10,
      top: 5,
      width: 20,
      height: 10,
      colour: [250, 0, 0],
    });
    const mean = [0.1, 0.2, 0.3] as const;
    const std = [0.5, 0.25, 0.2] as const;
    const { data, transform } = await preprocessImage(img, { size: [32, 32], mean, std, colour: 'BGR' });
    expect(transform).toEqual({
      originalWidth: 60,
      originalHeight: 30,
      inputWidth: 32,
      inputHeight: 32,
      ratioX: 32 / 60,
      ratioY: 32 / 60,
      padLeft: 0,
      padTop: 8,
    });
    const at = (c: number, y: number, x: number) => data[c * 32 * 32 + y * 32 + x]!;
    const norm = (v: number, c: number) => Math.fround((v / 255 - mean[c]!) / std[c]!);
    // Padding rows (y < 8) are 114 in every channel, normalised per channel.
    for (let c = 0; c < 3; c++) expect(at(c, 2, 5)).toBe(norm(114, c));
    // Background: BGR order, so tensor channel 0 holds blue (70).
    expect(at(0, 20, 30)).toBe(norm(70, 0));
    expect(at(2, 20, 30)).toBe(norm(50, 2));
    // Find red pixels (tensor channel 2 = R in BGR) and map their extent back to the original.
    let x1 = 99;
    let y1 = 99;
    let x2 = -1;
    let y2 = -1;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        if (at(2, y, x) > norm(150, 2)) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x + 1);
          y2 = Math.max(y2, y + 1);
        }
      }
    }
    const back = inputToOriginal(new Float32Array([x1, y1, x2, y2]), transform);
    const expected = [10, 5, 30, 15];
    for (let i = 0; i < 4; i++) expect(Math.abs(back[i]! - expected[i]!)).toBeLessThanOrEqual(2);
  });

  it('applies EXIF orientation before measuring the original size', async () => {
    // Left half red, right half blue; orientation 6 means "rotate 90° clockwise to display",
    // so the displayed image is 20 wide, 40 tall, red on top.
    const raw = await png(40, 20, [0, 0, 255], {
      left: 0,
      top: 0,
      width: 20,
      height: 20,
      colour: [255, 0, 0],
    });
    const jpeg = await sharp(raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const { data, transform } = await preprocessImage(jpeg, { size: [40, 40], resize: 'stretch' });
    expect([transform.originalWidth, transform.originalHeight]).toEqual([20, 40]);
    const red = (y: number, x: number) => data[y * 40 + x]!;
    expect(red(5, 20)).toBeGreaterThan(0.9);
    expect(red(35, 20)).toBeLessThan(0.1);
  });

  it('accepts greyscale and RGBA images as 3 channels', async () => {
    for (const channels of [1, 4] as const) {
      const img = await png(16, 16, [200, 200, 200], undefined, channels);
      const { data } = await preprocessImage(img, { size: [16, 16], scale: 1 });
      expect(data.length).toBe(3 * 16 * 16);
      expect(data[0]).toBe(data[16 * 16]);
      expect(data[5]).toBe(200);
    }
  });

  it('stacks a batch as NCHW float32 or float16 bits', async () => {
    const a = await preprocessImage(await png(8, 8, [255, 0, 0]), { size: [8, 8] });
    const b = await preprocessImage(await png(16, 4, [0, 255, 0]), { size: [8, 8] });
    const f32 = stackBatch([a, b]);
    expect(f32.dims).toEqual([2, 3, 8, 8]);
    expect(f32.data[0]).toBe(1); // image 0, R
    expect(f32.data[192 + 64 + 3 * 8]).toBe(1); // image 1, G, row 3 (inside the 8x2 band)
    const f16 = stackBatch([a, b], 'float16');
    expect(f16.data).toBeInstanceOf(Uint16Array);
    const back = float16BitsToFloat32(f16.data as Uint16Array);
    for (let i = 0; i < back.length; i++) expect(back[i]).toBeCloseTo(f32.data[i]!, 2);
  });

  it('refuses an image that cannot be decoded', async () => {
    await expect(
      preprocessImage(new TextEncoder().encode('not an image'), { size: [8, 8] }),
    ).rejects.toThrow();
  });
});

describe('letterbox padding written with the tensor', () => {
  it('gives exactly the values of sharp extending the image with padValue', async () => {
    // A photo-like JPEG (noise over gradients), landscape and portrait, so resampling is real.
    const jpeg = async (w: number, h: number) => {
      const px = Buffer.alloc(w * h * 3);
      for (let i = 0; i < px.length; i++) px[i] = (i * 7 + ((i * 2654435761) >>> 24)) & 255;
      return sharp(px, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: 85 })
        .toBuffer();
    };
    const cases = [
      { size: [96, 96] as const, padValue: 114 },
      {
        size: [96, 96] as const,
        colour: 'BGR' as const,
        scale: 1,
        placement: 'top-left' as const,
        padValue: 114,
      },
      {
        size: [96, 80] as const,
        colour: 'BGR' as const,
        scale: 1,
        mean: [103.53, 116.28, 123.675],
        std: [57.375, 57.12, 58.395],
        padValue: 0,
      },
    ];
    for (const [w, h] of [
      [150, 100],
      [70, 130],
    ] as const) {
      const img = await jpeg(w, h);
      for (const opts of cases) {
        const got = await preprocessImage(img, opts);
        // Reference: sharp pads (leavePadding off), then the ordinary planar conversion.
        const { pixels, placement, padded } = await resizeImage(img, opts, false);
        expect(padded).toBe(true);
        const want = new Float32Array(got.data.length);
        writeTensor(
          pixels,
          placement.inputWidth,
          placement.inputHeight,
          normalisationTable(opts),
          opts,
          want,
        );
        expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.buffer))).toBe(true);
        // The shortcut was taken (the image is plain 8-bit sRGB and has padding).
        expect((await resizeImage(img, opts, true)).padded).toBe(false);
      }
    }
  });
});
