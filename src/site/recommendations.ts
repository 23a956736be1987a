import type { Metrics } from '../lib/schema/metrics.ts';
import { pct } from './format.ts';

/**
 * Advice derived from a model's numbers. Each rule states its condition in words (shown on the
 * page next to the advice, so readers can judge it) and checks it against the metric JSON.
 */

export interface RuleInput {
  metrics: Metrics;
  /** Thresholds the model's authors recommend (manifest `defaults`), when given. */
  defaults?: { conf?: number | undefined } | undefined;
}

export interface Finding {
  /** What the numbers show, with the numbers. */
  finding: string;
  /** What to do about it. */
  advice: string;
}

export interface Rule {
  id: string;
  title: string;
  /** The condition, in words, with its thresholds. */
  when: string;
  severity: 'info' | 'warn';
  check: (input: RuleInput) => Finding | null;
}

export interface Recommendation extends Finding {
  id: string;
  title: string;
  when: string;
  severity: 'info' | 'warn';
}

/** Thresholds, named so the stated rules and the checks cannot drift apart. */
export const T = {
  prGap: 0.2,
  looseBoxRatio: 0.6,
  bkgShare: 0.35,
  fewGt: 10,
  smallVsLarge: 0.5,
  confusedShare: 0.1,
  confusedMin: 5,
  wideInterval: 0.02,
  dupeDAP50: 0.01,
  confGap: 0.1,
  weakClassRatio: 0.5,
} as const;

const points = (v: number) => `${(v * 100).toFixed(1)}`;

function f1At(m: Metrics, conf: number): { conf: number; f1: number; precision: number; recall: number } {
  return m.curves.confidence.reduce((best, p) =>
    Math.abs(p.conf - conf) < Math.abs(best.conf - conf) ? p : best,
  );
}

function errorShares(m: Metrics) {
  const entries = Object.entries(m.errors) as [keyof Metrics['errors'], { count: number; dAP50: number }][];
  const total = entries.reduce((a, [, e]) => a + Math.max(0, e.dAP50), 0);
  return { entries, total };
}

export const RULES: readonly Rule[] = [
  {
    id: 'partial-run',
    title: 'Partial run',
    when: 'The run was limited to a subset of images, or some images failed.',
    severity: 'warn',
    check: ({ metrics: m }) => {
      if (!m.run) return null;
      const failed = m.run.failedImages.length;
      if (m.run.limit === null && failed === 0) return null;
      return {
        finding:
          m.run.limit !== null
            ? `Only ${m.run.limit} images were evaluated${failed ? ` and ${failed} failed` : ''}.`
            : `${failed} image${failed === 1 ? '' : 's'} failed to process.`,
        advice: 'Treat these numbers as a smoke test; re-run on the full split before comparing models.',
      };
    },
  },
  {
    id: 'threshold-above-optimal',
    title: 'The recommended confidence threshold is too high',
    when: `The authors' default confidence is more than ${T.confGap} above the F1-optimal one.`,
    severity: 'info',
    check: ({ metrics: m, defaults }) => {
      const conf = defaults?.conf;
      if (conf === undefined || conf - m.optimal.confidence <= T.confGap) return null;
      const at = f1At(m, conf);
      return {
        finding: `At the recommended confidence ${conf.toFixed(2)}, F1 is ${pct(at.f1)} (recall ${pct(at.recall)}); at ${m.optimal.confidence.toFixed(2)} it is ${pct(m.optimal.f1)}.`,
        advice: `Lower the confidence threshold to about ${m.optimal.confidence.toFixed(2)} for this data.`,
      };
    },
  },
  {
    id: 'high-precision-low-recall',
    title: 'High precision, low recall',
    when: `At the F1-optimal confidence, precision exceeds recall by more than ${points(T.prGap)} points.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const { precision, recall, confidence } = m.optimal;
      if (precision - recall <= T.prGap) return null;
      return {
        finding: `Precision ${pct(precision)} vs recall ${pct(recall)} at confidence ${confidence.toFixed(2)}: the model is conservative and misses objects.`,
        advice:
          'If missed objects cost more than false alarms, run with a lower confidence threshold (see the confidence explorer); a larger model or higher input resolution raises recall.',
      };
    },
  },
  {
    id: 'low-precision-high-recall',
    title: 'Low precision, high recall',
    when: `At the F1-optimal confidence, recall exceeds precision by more than ${points(T.prGap)} points.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const { precision, recall, confidence } = m.optimal;
      if (recall - precision <= T.prGap) return null;
      return {
        finding: `Recall ${pct(recall)} vs precision ${pct(precision)} at confidence ${confidence.toFixed(2)}: many false alarms.`,
        advice:
          'Raise the confidence threshold; check the labels for missing annotations, which count as false positives.',
      };
    },
  },
  {
    id: 'loose-boxes',
    title: 'Boxes are found but not tight',
    when: `AP (IoU .50:.95) is below ${T.looseBoxRatio} × AP50.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const { AP, AP50 } = m.coco;
      if (AP < 0 || AP50 <= 0 || AP >= T.looseBoxRatio * AP50) return null;
      return {
        finding: `AP ${pct(AP)} is ${((AP / AP50) * 100).toFixed(0)}% of AP50 ${pct(AP50)}: detections land on objects but their boxes are loose (localisation errors cost ${points(m.errors.loc.dAP50)} AP50).`,
        advice:
          'Prefer a model with better box regression for tasks that need precise boxes, or train longer with an IoU-aware loss; for counting and presence, AP50 is the number to watch.',
      };
    },
  },
  {
    id: 'background-false-positives',
    title: 'Many background false positives',
    when: `Background errors account for more than ${T.bkgShare * 100}% of the AP50 lost to errors.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const { total } = errorShares(m);
      if (total <= 0 || m.errors.bkg.dAP50 / total <= T.bkgShare) return null;
      return {
        finding: `${m.errors.bkg.count.toLocaleString('en-US')} detections overlap no object; fixing them would add ${points(m.errors.bkg.dAP50)} AP50 (${((m.errors.bkg.dAP50 / total) * 100).toFixed(0)}% of the total error).`,
        advice:
          'Raise the confidence threshold, or fine-tune with background images (frames without objects) from your domain.',
      };
    },
  },
  {
    id: 'duplicates',
    title: 'Duplicate detections',
    when: `Duplicate detections cost more than ${points(T.dupeDAP50)} AP50.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      if (m.errors.dupe.dAP50 <= T.dupeDAP50) return null;
      return {
        finding: `${m.errors.dupe.count.toLocaleString('en-US')} duplicate boxes cost ${points(m.errors.dupe.dAP50)} AP50.`,
        advice: 'Lower the NMS IoU threshold, or use class-agnostic NMS when classes overlap.',
      };
    },
  },
  {
    id: 'small-objects',
    title: 'Small objects are hard for this model',
    when: `AP on small objects is below ${T.smallVsLarge} × AP on large objects.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const { APs, APl } = m.coco;
      if (APs < 0 || APl <= 0 || APs >= T.smallVsLarge * APl) return null;
      return {
        finding: `APs ${pct(APs)} vs APl ${pct(APl)}.`,
        advice:
          'If your objects are small, run at a higher input resolution, tile large images (sliced inference), or pick a model with a stronger small-object AP.',
      };
    },
  },
  {
    id: 'confused-classes',
    title: 'Classes confused with each other',
    when: `A class has at least ${T.confusedMin} and more than ${T.confusedShare * 100}% of its objects detected as another class.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const names = new Map(m.perClass.map((c) => [c.id, c.name]));
      const pairs = m.perClass
        .flatMap((c) =>
          c.confused.map((x) => ({ from: c.name, to: names.get(x.id) ?? `#${x.id}`, n: x.count, gt: c.gt })),
        )
        .filter((p) => p.n >= T.confusedMin && p.gt > 0 && p.n / p.gt > T.confusedShare)
        .sort((a, b) => b.n / b.gt - a.n / a.gt);
      if (!pairs.length) return null;
      const top = pairs.slice(0, 3).map((p) => `${p.from} → ${p.to} (${((p.n / p.gt) * 100).toFixed(0)}%)`);
      return {
        finding: `Most confused: ${top.join(', ')}.`,
        advice:
          'Add training examples that tell these classes apart, or merge them if your task does not need the distinction.',
      };
    },
  },
  {
    id: 'weak-classes',
    title: 'Weak classes',
    when: `A class with enough GT has AP below ${T.weakClassRatio} × the model's AP.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      if (m.coco.AP <= 0) return null;
      const weak = m.perClass
        .filter((c) => c.gt >= T.fewGt && c.AP >= 0 && c.AP < T.weakClassRatio * m.coco.AP)
        .sort((a, b) => a.AP - b.AP);
      if (!weak.length) return null;
      return {
        finding: `${weak.length} class${weak.length === 1 ? '' : 'es'} below ${pct(T.weakClassRatio * m.coco.AP)} AP: ${weak
          .slice(0, 5)
          .map((c) => `${c.name} (${pct(c.AP)})`)
          .join(', ')}${weak.length > 5 ? ', …' : ''}.`,
        advice:
          'Check these classes in the sample images and the confusion matrix; they usually need more or cleaner training data.',
      };
    },
  },
  {
    id: 'few-ground-truth',
    title: 'Classes with too few ground-truth objects',
    when: `A class has fewer than ${T.fewGt} ground-truth boxes in the evaluation set.`,
    severity: 'warn',
    check: ({ metrics: m }) => {
      const few = m.perClass.filter((c) => c.gt < T.fewGt);
      if (!few.length) return null;
      return {
        finding: `${few.map((c) => `${c.name} (${c.gt})`).join(', ')}.`,
        advice:
          'Per-class AP for these classes is noisy; do not rank models on them. Add evaluation images if they matter.',
      };
    },
  },
  {
    id: 'wide-interval',
    title: 'Wide uncertainty',
    when: `The 95% bootstrap interval of AP is wider than ${points(T.wideInterval)} points.`,
    severity: 'info',
    check: ({ metrics: m }) => {
      const w = m.uncertainty.AP.hi - m.uncertainty.AP.lo;
      if (w <= T.wideInterval) return null;
      return {
        finding: `AP lies between ${pct(m.uncertainty.AP.lo)} and ${pct(m.uncertainty.AP.hi)} (${m.dataset.images} images).`,
        advice: 'Differences smaller than this interval between models are not meaningful on this dataset.',
      };
    },
  },
];

export function recommend(input: RuleInput): Recommendation[] {
  const out: Recommendation[] = [];
  for (const rule of RULES) {
    const found = rule.check(input);
    if (found)
      out.push({ id: rule.id, title: rule.title, when: rule.when, severity: rule.severity, ...found });
  }
  return out;
}
