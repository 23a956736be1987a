/**
 * The metric JSON's schema version, apart from the zod schema so that writers (the evaluator's CLI)
 * need not load zod just for this number. Bump it on any breaking change to metrics.ts.
 */
export const METRICS_SCHEMA_VERSION = 1;
