/**
 * Number formatting shared by tables, charts, exports and client scripts. Metrics are stored as
 * fractions in [0, 1] (pycocotools' -1 meaning "no value") and shown as percentages with one
 * decimal, as papers print them.
 */

/** pycocotools writes -1 where a metric has no value (no GT in that size range). */
export function metricOrNull(v: number | null | undefined): number | null {
  return v === null || v === undefined || v < 0 || !Number.isFinite(v) ? null : v;
}

export const DASH = '—';

/**
 * A measured fraction in AP points (0.4567 → 45.67): the one conversion between the measured
 * statistics (fractions, as pycocotools gives them) and published scores (percent, as papers
 * print them and manifests declare them).
 */
export function toPoints(fraction: number): number {
  return fraction * 100;
}

/** 0.4567 → "45.7"; missing → "—". */
export function pct(v: number | null | undefined, decimals = 1): string {
  const m = metricOrNull(v);
  return m === null ? DASH : toPoints(m).toFixed(decimals);
}

/** Milliseconds with precision that suits the magnitude: 0.42 → "0.42", 12.3 → "12.3", 240 → "240". */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v < 1) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** 3_151_904 → "3.15M"; 870_000 → "870K"; 24 → "24" (demo models are tiny). */
export function params(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  // Three significant digits, zeros kept so a column of values lines up.
  const short = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
  if (v >= 1e9) return `${short(v / 1e9)}B`;
  if (v >= 1e6) return `${short(v / 1e6)}M`;
  if (v >= 1e3) return `${short(v / 1e3)}K`;
  return String(Math.round(v));
}

export function gflops(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v < 10 ? v.toFixed(1) : v.toFixed(0);
}

/** A signed difference in AP points: +1.3, −0.4. */
export function signedPoints(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const s = Math.abs(v).toFixed(1);
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

/** ISO time → "2026-01-05" (UTC, so the build machine's zone doesn't matter). */
export function isoDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? DASH : d.toISOString().slice(0, 10);
}

export function count(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return Math.round(v).toLocaleString('en-US');
}

/** A fraction as a 0–1 number with two decimals (confidence thresholds). */
export function fixed2(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v.toFixed(2);
}
