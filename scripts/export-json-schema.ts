/**
 * Writes the JSON Schemas editors use to check manifests as they are typed (see the
 * `# yaml-language-server: $schema=../../schema/model.schema.json` line atop a manifest).
 * Generated from the zod schemas, committed, and kept in sync by a test: `npm run schema:export`.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CocoGroundTruth, CocoResults } from '../src/lib/schema/coco.ts';
import { DatasetManifest } from '../src/lib/schema/dataset-manifest.ts';
import { MetricsSchema } from '../src/lib/schema/metrics.ts';
import { ModelManifest } from '../src/lib/schema/model-manifest.ts';
import { writeFileAtomic } from '../src/lib/util/atomic-write.ts';

/** Output files, relative to the repository root, and the schema each holds. */
export const JSON_SCHEMA_FILES = {
  'schema/model.schema.json': {
    schema: ModelManifest,
    title: 'Podium model manifest (models/<id>/model.yaml)',
  },
  'schema/dataset.schema.json': {
    schema: DatasetManifest,
    title: 'Podium dataset manifest (datasets/<id>/dataset.yaml)',
  },
  'schema/metrics.schema.json': {
    schema: MetricsSchema,
    title: 'Podium metric JSON (results/<dataset>/<model>.json)',
  },
  'schema/coco-ground-truth.schema.json': {
    schema: CocoGroundTruth,
    title: 'COCO instances ground truth, as Podium accepts it',
  },
  'schema/coco-results.schema.json': {
    schema: CocoResults,
    title: 'COCO results list, as Podium accepts it',
  },
} as const;

/** The text of each file, exactly as committed. */
export function renderJsonSchemas(): Record<keyof typeof JSON_SCHEMA_FILES, string> {
  const out = {} as Record<keyof typeof JSON_SCHEMA_FILES, string>;
  for (const [file, { schema, title }] of Object.entries(JSON_SCHEMA_FILES)) {
    // "input": a manifest as written, where fields with defaults may be left out.
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
    out[file as keyof typeof JSON_SCHEMA_FILES] = `${JSON.stringify({ title, ...json }, null, 2)}\n`;
  }
  return out;
}

if (import.meta.main) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const [file, text] of Object.entries(renderJsonSchemas())) {
    await writeFileAtomic(`${root}${file}`, text);
    console.log(`wrote ${file}`);
  }
}
