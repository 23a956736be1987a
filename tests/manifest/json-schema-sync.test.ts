import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../scripts/export-json-schema.ts';

const root = new URL('../../', import.meta.url);

describe('committed JSON Schemas', () => {
  it('match the zod schemas (run `npm run schema:export` after changing a schema)', async () => {
    for (const [file, text] of Object.entries(renderJsonSchemas())) {
      const committed = await readFile(new URL(file, root), 'utf8');
      expect(committed, `${file} is stale: run npm run schema:export`).toBe(text);
    }
  });

  it('describe every field, so editors can show help while typing', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record['properties'];
      if (typeof properties === 'object' && properties !== null) {
        for (const [key, child] of Object.entries(properties)) {
          if (!(child as Record<string, unknown>)['description']) missing.push(`${path}.${key}`);
          walk(child, `${path}.${key}`);
        }
      }
      for (const key of ['anyOf', 'oneOf', 'items', 'prefixItems']) {
        const sub = record[key];
        if (Array.isArray(sub)) for (const s of sub) walk(s, path);
        else walk(sub, path);
      }
    };
    // The manifests are what contributors type; the metric and COCO schemas are machine-written.
    for (const [file, text] of Object.entries(renderJsonSchemas())) {
      if (file === 'schema/model.schema.json' || file === 'schema/dataset.schema.json')
        walk(JSON.parse(text), file);
    }
    expect(missing).toEqual([]);
  });
});
