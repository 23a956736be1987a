import type { ModelInfo } from '../../src/site/board.ts';
import { type BoardMetrics, isBoardEntry } from '../../src/site/read-results.ts';
import { type ResultSummary, summarise } from '../../src/site/summary.ts';
import { fakeMetrics } from './fake-board.ts';

/** Fixtures for the site's unit tests, built from the fake-board generator. */
export function boardMetrics(index = 0, dataset: 0 | 1 = 0, seed = 1): BoardMetrics {
  const m = fakeMetrics({ seed, index, dataset });
  if (!isBoardEntry(m)) throw new Error('fake metrics should be a board entry');
  return m;
}

/** A summary with chosen numbers, for ranking and tie tests. */
export function summaryWith(
  model: string,
  values: {
    AP: number;
    lo?: number;
    hi?: number;
    latency?: number;
    device?: string;
    reported?: number | null;
  },
): ResultSummary {
  const s = summarise(boardMetrics(), `results/fake-coco/${model}.json`, 'f'.repeat(64));
  return {
    ...s,
    model,
    coco: { ...s.coco, AP: values.AP, AP50: values.AP + 0.2 },
    apLo: values.lo ?? values.AP - 0.001,
    apHi: values.hi ?? values.AP + 0.001,
    speed: { ...s.speed, p50Ms: values.latency ?? 10 },
    run: { ...s.run, device: values.device ?? 'cpu' },
    reported:
      values.reported === undefined || values.reported === null
        ? null
        : { AP: values.reported, AP50: null, source: 'paper' },
  };
}

export function info(id: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id,
    name: id.toUpperCase(),
    family: 'yolov8',
    license: 'MIT',
    params: 1e6,
    gflops: 1,
    hidden: false,
    tags: [],
    ...extra,
  };
}
