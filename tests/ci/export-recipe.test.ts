import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { recipeFiles } from '../../scripts/export-recipe.ts';
import { loadAllManifests } from '../../src/lib/manifest/discover.ts';
import { ExportRecipe } from '../../src/lib/schema/export-recipe.ts';

const REPO = join(import.meta.dirname, '../..');

describe('export recipes (what .github/workflows/export.yml reads)', () => {
  it('every manifest awaiting export has a recipe the workflow can read: exact pins, an argument list, one-line outputs', async () => {
    const { models, errors } = await loadAllManifests(undefined, { repoRoot: REPO });
    expect(errors).toEqual([]);
    const awaiting = models.filter((m) => m.manifest.weights === undefined);
    expect(awaiting.length).toBeGreaterThan(0);
    const unpinned = awaiting.filter((m) => {
      const e = m.manifest.export!.exporter;
      return 'repository' in e && e.commit === undefined;
    });
    // A recipe whose repository commit nobody has checked yet is listed, and refused by the workflow.
    expect(unpinned.map((m) => m.manifest.id).sort()).toEqual(['d-fine-n', 'deim-n', 'deim-s']);
    for (const m of unpinned)
      expect(() => recipeFiles(m.manifest.id, m.manifest.export!)).toThrow(
        'export.exporter.commit: not pinned yet',
      );
    for (const m of awaiting.filter((x) => !unpinned.includes(x))) {
      const recipe = m.manifest.export!;
      const files = recipeFiles(m.manifest.id, recipe);
      for (const line of files.requirements.trim().split('\n'))
        expect(line, m.path).toMatch(/^[^=\s]+==\S+$/);
      expect(JSON.parse(files.command), m.path).toEqual(recipe.command);
      const outputs = Object.fromEntries(
        files.outputs
          .trim()
          .split('\n')
          .map((l) => l.split(/=(.*)/s).slice(0, 2)),
      );
      expect(outputs['id']).toBe(m.manifest.id);
      expect(outputs['output']).toBe(recipe.output);
      expect(outputs['checkpoint_url'] || outputs['checkpoint_page'], m.path).toMatch(/^https:\/\//);
    }
  });

  it('the script writes the files for a real manifest and refuses one without a recipe', async () => {
    const out = await mkdtemp(join(tmpdir(), 'podium-recipe-'));
    try {
      const ok = await execa(process.execPath, ['scripts/export-recipe.ts', 'models/yolov8n', out], {
        cwd: REPO,
      });
      expect(ok.stdout).toContain('models/yolov8n/model.yaml: recipe written');
      expect(await readFile(join(out, 'requirements.txt'), 'utf8')).toMatch(
        /^ultralytics==8\.4\.190\ntorch==/,
      );
      expect(await readFile(join(out, 'outputs.txt'), 'utf8')).toContain('output=yolov8n.onnx\n');
      const none = await execa(
        process.execPath,
        ['scripts/export-recipe.ts', 'models/shapes-yolo-nano', out],
        {
          cwd: REPO,
          reject: false,
        },
      );
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toContain('models/shapes-yolo-nano/model.yaml: no export recipe');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses what a workflow must never run: ranges, shell strings, folders in file names', () => {
    const base = {
      checkpoint: { url: 'https://example.org/m.pt', file: 'm.pt' },
      exporter: { package: 'ultralytics', version: '8.4.190' },
      python: '3.11',
      command: ['yolo', 'export'],
      opset: 17,
      output: 'm.onnx',
    };
    expect(ExportRecipe.safeParse(base).success).toBe(true);
    expect(ExportRecipe.safeParse({ ...base, requirements: ['torch>=2'] }).success).toBe(false);
    expect(
      ExportRecipe.safeParse({ ...base, exporter: { package: 'ultralytics', version: '>=8' } }).success,
    ).toBe(false);
    expect(ExportRecipe.safeParse({ ...base, command: 'yolo export; rm -rf /' }).success).toBe(false);
    expect(ExportRecipe.safeParse({ ...base, output: '../m.onnx' }).success).toBe(false);
    expect(ExportRecipe.safeParse({ ...base, checkpoint: { file: 'm.pt' } }).success).toBe(false);
    expect(
      ExportRecipe.safeParse({ ...base, exporter: { repository: 'https://github.com/a/b', commit: 'main' } })
        .success,
    ).toBe(false);
  });
});
