import { join, resolve } from 'node:path';

/**
 * Layout of the local cache (default `.podium/cache` under the current directory; env
 * PODIUM_CACHE_DIR or an explicit option moves it):
 *   blobs/<sha256>            verified downloads, named by content: a file there is never partial
 *   blobs/<sha256>.partial    an interrupted download, resumed with an HTTP Range request
 *   urls/<sha256 of the URL>  unpinned files (dataset images from a baseUrl), keyed by URL
 *   extracted/<sha256>/       unpacked archives, keyed by the archive's digest
 */
export function cacheRoot(option?: string): string {
  return resolve(option ?? process.env['PODIUM_CACHE_DIR'] ?? join('.podium', 'cache'));
}

export function blobPath(root: string, sha256: string): string {
  return join(root, 'blobs', sha256);
}
