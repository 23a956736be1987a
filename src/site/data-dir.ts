import { resolve } from 'node:path';

/**
 * Root the site reads results/, models/ and datasets/ from. PODIUM_DATA_DIR lets tests and the
 * scale benchmark build the site from a generated board in a temporary folder.
 */
export function dataDir(): string {
  return resolve(process.env['PODIUM_DATA_DIR'] || process.cwd());
}
