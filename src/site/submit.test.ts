import { describe, expect, it } from 'vitest';
import { parseSafeYaml } from '../lib/manifest/read-yaml.ts';
import { parseOrThrow } from '../lib/schema/format-error.ts';
import { ModelManifest } from '../lib/schema/model-manifest.ts';
import { fieldDocs } from './schema-doc.ts';
import { EXAMPLE_MANIFEST } from './submit-example.ts';

describe('submit page', () => {
  it('shows an example manifest that the board accepts', () => {
    const m = parseOrThrow(ModelManifest, parseSafeYaml(EXAMPLE_MANIFEST, 'example'), 'example');
    expect(m.id).toBe('yolov8n-coco');
    expect(m.reported?.AP).toBe(37.3);
  });

  it('documents every manifest field from the schema, with required flags and defaults', () => {
    const fields = fieldDocs(ModelManifest);
    const by = new Map(fields.map((f) => [f.path, f]));
    for (const key of ['id', 'name', 'family', 'input', 'classes', 'license']) {
      expect(by.get(key)?.required, key).toBe(true);
    }
    // weights, or an export recipe instead (the schema's refinement says which is needed).
    expect(by.get('weights')?.required).toBe(false);
    expect(by.get('weights')?.description).toContain('Leave out only with export');
    expect(by.get('export.command')?.description).toContain('without a shell');
    expect(by.get('paper')?.required).toBe(false);
    expect(by.get('weights.sha256')?.type).toBe('sha256 (hex)');
    expect(by.get('weights.url')?.type).toBe('https URL');
    expect(by.get('input.padValue')?.default).toBe('114');
    expect(by.get('family')?.type).toContain('"yolov8"');
    expect(by.get('hidden')?.default).toBe('false');
    expect(by.get('license')?.type).toMatch(/values\) or string$/);
  });
});
