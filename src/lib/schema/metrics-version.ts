/**
 * The metric JSON's schema version, apart from the zod schema so that writers (the evaluator's CLI)
 * need not load zod just for this number. Bump it on any breaking change to metrics.ts.
 * 2: `reported` carried in percent (was a fraction), `run.evaluatorVersion` removed (see
 * `evaluator.version`), `run.droppedDetections` added.
 */
export const METRICS_SCHEMA_VERSION = 2;
