import type { Sample } from '../../lib/schema/metrics.ts';
import { type Html, html } from '../html.ts';
import { round } from './project.ts';

/**
 * One sample image with ground truth and predictions drawn over it as SVG (image pixel
 * coordinates, COCO [x, y, w, h]). Boxes are grouped by kind so CSS can toggle them without a
 * script. `imageHref` is null when the image cannot be published (remote or archived dataset).
 */
export function sampleBoxes(
  sample: Sample,
  imageHref: string | null,
  names: ReadonlyMap<number, string>,
  id: string,
): Html {
  const { width: w, height: h } = sample;
  const name = (c: number) => names.get(c) ?? `class ${c}`;
  const stroke = Math.max(1.5, Math.round(Math.max(w, h) / 300));
  const font = Math.max(10, Math.round(Math.max(w, h) / 40));
  const gt = sample.gt.map(
    ([x, y, bw, bh, c]) =>
      html`<g><title>Ground truth: ${name(c)}</title><rect x="${round(x)}" y="${round(y)}" width="${round(bw)}" height="${round(bh)}"/><text x="${round(x + 2)}" y="${round(y + bh - 3)}">${name(c)}</text></g>`,
  );
  const dt = sample.dt.map(
    ([x, y, bw, bh, c, s]) =>
      html`<g><title>Prediction: ${name(c)} ${s.toFixed(2)}</title><rect x="${round(x)}" y="${round(y)}" width="${round(bw)}" height="${round(bh)}"/><text x="${round(x + 2)}" y="${round(y + font)}">${name(c)} ${s.toFixed(2)}</text></g>`,
  );
  return html`<svg class="sample-svg" id="${id}" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${id}-t"><title id="${id}-t">Image ${sample.imageId}: ${sample.gt.length} ground-truth boxes, ${sample.dt.length} predictions</title>${
    imageHref
      ? html`<image href="${imageHref}" x="0" y="0" width="${w}" height="${h}"/>`
      : html`<rect class="no-image" width="${w}" height="${h}"/>`
  }<g class="gt" stroke-width="${stroke}" font-size="${font}">${gt}</g><g class="dt" stroke-width="${stroke}" font-size="${font}">${dt}</g></svg>`;
}
