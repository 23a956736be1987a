import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Loader } from 'astro/loaders';
import { loadAllManifests } from '../lib/manifest/discover.ts';
import { MAX_NOTES_BYTES } from '../lib/policy/limits.ts';
import { isUserError, UserError } from '../lib/util/errors.ts';
import { dataDir } from './data-dir.ts';
import type { DatasetEntry, ModelEntry } from './entries.ts';
import { renderNotes } from './notes.ts';
import { isBoardEntry, listResultFiles, notABoardEntry, readResult } from './read-results.ts';
import { summarise } from './summary.ts';

/**
 * Content-layer loaders: the only way data enters the site. Every file is validated with the
 * project's zod schemas; any invalid file fails the build with its path and the bad fields.
 */

/** One error listing every bad file, so a contributor sees all problems in one build. */
function fail(kind: string, errors: readonly UserError[]): never {
  const lines = errors.map((e) => `  ${e.message.replace(/\n/g, '\n  ')}`);
  throw new UserError(
    `${errors.length} invalid ${kind} file${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
  );
}

// Both manifest collections come from one scan of models/ and datasets/.
let manifests: ReturnType<typeof loadAllManifests> | undefined;
let manifestsRoot: string | undefined;
function scanManifests(root: string) {
  if (!manifests || manifestsRoot !== root) {
    manifests = loadAllManifests(undefined, { repoRoot: root });
    manifestsRoot = root;
  }
  return manifests;
}

async function readNotes(root: string, id: string): Promise<string | null> {
  const file = join(root, 'models', id, 'README.md');
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (size > MAX_NOTES_BYTES) {
    throw new UserError(`notes are ${size} bytes, over the limit of ${MAX_NOTES_BYTES}`, {
      file: `models/${id}/README.md`,
    });
  }
  return renderNotes(await readFile(file, 'utf8'));
}

export function modelsLoader(): Loader {
  return {
    name: 'podium-models',
    load: async ({ store }) => {
      const root = dataDir();
      const { models, errors } = await scanManifests(root);
      const problems = errors.filter((e) => e.file?.startsWith('models/') ?? true);
      const entries: ModelEntry[] = [];
      for (const m of models) {
        try {
          entries.push({
            manifest: m.manifest,
            sha256: m.sha256,
            notesHtml: await readNotes(root, m.manifest.id),
          });
        } catch (err) {
          if (!isUserError(err)) throw err;
          problems.push(err);
        }
      }
      if (problems.length) fail('model', problems);
      store.clear();
      for (const e of entries) store.set({ id: e.manifest.id, data: { ...e } });
    },
  };
}

export function datasetsLoader(): Loader {
  return {
    name: 'podium-datasets',
    load: async ({ store }) => {
      const { datasets, errors } = await scanManifests(dataDir());
      const problems = errors.filter((e) => e.file?.startsWith('datasets/'));
      if (problems.length) fail('dataset', problems);
      store.clear();
      for (const d of datasets) {
        const entry: DatasetEntry = {
          manifest: d.manifest,
          imagesPath: 'path' in d.manifest.images ? d.manifest.images.path : null,
        };
        store.set({ id: d.manifest.id, data: { ...entry } });
      }
    },
  };
}

export function resultsLoader(): Loader {
  return {
    name: 'podium-results',
    load: async ({ store, logger, parseData }) => {
      const root = dataDir();
      const files = await listResultFiles(root);
      const problems: UserError[] = [];
      const summaries = [];
      for (const f of files) {
        try {
          const { metrics: m, sha256 } = await readResult(root, f);
          const why = notABoardEntry(m);
          if (why) {
            logger.warn(`${f.path}: not on the board: ${why}`);
            continue;
          }
          if (isBoardEntry(m)) summaries.push(summarise(m, f.path, sha256));
        } catch (err) {
          if (!isUserError(err)) throw err;
          problems.push(err);
        }
      }
      if (problems.length) fail('results', problems);
      store.clear();
      for (const s of summaries) {
        const id = `${s.dataset}/${s.model}`;
        store.set({ id, data: await parseData({ id, data: { ...s } }) });
      }
      logger.info(`${summaries.length} results from ${root}`);
    },
  };
}
