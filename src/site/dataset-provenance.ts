import type { DataSource } from '../lib/schema/common.ts';
import type { DatasetManifest } from '../lib/schema/dataset-manifest.ts';

/** One file a dataset is read from, as the dataset page lists it. */
export interface ProvenanceFile {
  /** What it holds: "Annotations", "Images". */
  what: string;
  /** The download URL (https or pinned http), or null for a file in the repository. */
  url: string | null;
  /** The repository path (relative to the manifest), or null for a download. */
  path: string | null;
  sha256: string | null;
  bytes: number | null;
  /** The file or folder taken out of the archive, when the source is an archive. */
  member: string | null;
  /** Plain http: integrity from the pin, said so on the page. */
  plainHttp: boolean;
}

function fromSource(what: string, source: DataSource, member: string | null): ProvenanceFile {
  const remote = 'url' in source;
  return {
    what,
    url: remote ? source.url : null,
    path: remote ? null : source.path,
    sha256: source.sha256 ?? null,
    bytes: remote ? (source.bytes ?? null) : null,
    member,
    plainHttp: remote && /^http:/i.test(source.url),
  };
}

/** Every pinned file of a dataset, in reading order: annotations, then images. */
export function datasetFiles(m: DatasetManifest): ProvenanceFile[] {
  const out: ProvenanceFile[] = [];
  const a = m.annotations;
  if (a)
    out.push(
      'archive' in a ? fromSource('Annotations', a.archive, a.member) : fromSource('Annotations', a, null),
    );
  const i = m.images;
  if ('archive' in i) out.push(fromSource('Images', i.archive, i.member ?? null));
  else if ('path' in i)
    out.push({
      what: 'Images',
      url: null,
      path: i.path,
      sha256: null,
      bytes: null,
      member: null,
      plainHttp: false,
    });
  else
    out.push({
      what: 'Images',
      url: i.baseUrl,
      path: null,
      sha256: null,
      bytes: null,
      member: null,
      plainHttp: false,
    });
  return out;
}
