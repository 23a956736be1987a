import { z } from 'zod';
import { internalHostReason } from './internal-host.ts';

/**
 * Building blocks shared by the model and dataset manifests. Manifests come from untrusted
 * contributors, so every field is bounded (length, range, shape) and nothing here ever resolves a
 * path or touches the network: that happens later in src/lib/manifest and src/lib/fetch.
 */

/** Lowercase slug used for model and dataset ids; it becomes a folder and a URL segment. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, {
    error: 'expected a lowercase slug: 2 to 64 characters from a-z, 0-9 and "-", not starting with "-"',
  })
  .describe('Lowercase slug: 2–64 characters of a-z, 0-9 and "-", starting with a letter or digit.');
export type Slug = z.output<typeof Slug>;

/** SHA-256 digest as 64 lowercase hex characters (what `sha256sum` prints). */
export const Sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex characters (the output of `sha256sum`)' })
  .describe('SHA-256 digest of the file: 64 lowercase hex characters, as printed by `sha256sum`.');
export type Sha256 = z.output<typeof Sha256>;

/**
 * What is wrong with a URL a manifest gives (undefined when nothing): not a URL, a scheme other
 * than https (or http, for pinned data), credentials, or an internal host.
 */
function urlProblem(value: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return allowHttp ? 'expected an https (or http) URL' : 'expected an https URL (https://…)';
  }
  if (!allowHttp && url.protocol === 'http:') return 'plain http URLs are refused: use https://';
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return `expected an ${allowHttp ? 'https or http' : 'https'} URL, got the "${url.protocol}" scheme`;
  }
  if (url.username || url.password) return 'URLs must not contain credentials';
  const internal = internalHostReason(url.hostname);
  if (internal) {
    return `refusing a URL on an internal host (${url.hostname}: ${internal}): files must come from a public ${allowHttp ? '' : 'https '}server`;
  }
  return undefined;
}

/**
 * An https URL. Plain http is refused because the bytes could be swapped in transit (weights are
 * pinned by sha256 anyway, but links shown on the site must not downgrade readers either),
 * credentials in the URL are refused because they would be published, and hosts on internal
 * networks (loopback, private, link-local / cloud metadata, *.internal, …: internal-host.ts) are
 * refused because CI would fetch them from inside its own network. src/lib/fetch checks again
 * after DNS resolution and on every redirect.
 */
export const HttpsUrl = z
  .string()
  .max(2048, { error: 'URL is longer than 2048 characters' })
  .check((ctx) => {
    const message = urlProblem(ctx.value, false);
    if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
  })
  .meta({ format: 'uri', pattern: '^https://' })
  .describe('An https:// URL (plain http is refused).');
export type HttpsUrl = z.output<typeof HttpsUrl>;

/**
 * Where a number or claim comes from: an https URL, or a free-text citation. Anything that looks
 * like a URL is held to the URL rules, so an http link cannot slip through as a "citation".
 */
export const Citation = z
  .string()
  .check((ctx) => {
    const value = ctx.value;
    const schema = /^[a-z][a-z0-9+.-]*:/i.test(value) && !/\s/.test(value) ? HttpsUrl : text(500);
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.issues.push({ code: 'custom', input: value, message: issue.message });
    }
  })
  .describe('An https URL (preferred) or a short citation.');
export type Citation = z.output<typeof Citation>;

/**
 * Curated SPDX identifiers seen on detection models and datasets. Anything else can be declared as
 * `LicenseRef-<name>` (SPDX's own escape hatch) and is then shown as-is with a link to the source.
 */
export const SPDX_LICENSES = [
  'Apache-2.0',
  'MIT',
  'AGPL-3.0',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'GPL-2.0-only',
  'GPL-2.0-or-later',
  'GPL-3.0',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'LGPL-2.1-only',
  'LGPL-3.0-only',
  'MPL-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'ISC',
  'Unlicense',
  'CC0-1.0',
  'CC-BY-4.0',
  'CC-BY-SA-4.0',
  'CC-BY-NC-4.0',
  'CC-BY-NC-SA-4.0',
  'CC-BY-ND-4.0',
  'CC-BY-NC-ND-4.0',
  'CC-BY-3.0',
  'CC-BY-SA-3.0',
  'ODbL-1.0',
  'CDLA-Permissive-2.0',
  'CDLA-Sharing-1.0',
  'OpenRAIL',
  'CreativeML-OpenRAIL-M',
] as const;

const LICENSE_REF = /^LicenseRef-[A-Za-z0-9.-]{1,64}$/;
const LICENSE_SET: ReadonlySet<string> = new Set(SPDX_LICENSES);
const LICENSE_BY_LOWER: ReadonlyMap<string, string> = new Map(
  SPDX_LICENSES.map((id) => [id.toLowerCase(), id]),
);

/** SPDX licence id from the curated list, or `LicenseRef-<name>`. */
export const License = z
  .string()
  .check((ctx) => {
    const value = ctx.value;
    if (LICENSE_SET.has(value) || LICENSE_REF.test(value)) return;
    const fixed = LICENSE_BY_LOWER.get(value.toLowerCase());
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: fixed
        ? `unknown licence "${value}": SPDX ids are case-sensitive, did you mean "${fixed}"?`
        : `unknown licence "${value}": use an SPDX id (e.g. Apache-2.0, MIT, AGPL-3.0-only, CC-BY-4.0) or LicenseRef-<name>`,
    });
  })
  .meta({ anyOf: [{ enum: [...SPDX_LICENSES] }, { pattern: LICENSE_REF.source }] })
  .describe('SPDX licence id (e.g. Apache-2.0, AGPL-3.0-only, CC-BY-4.0) or LicenseRef-<name>.');
export type License = z.output<typeof License>;

/**
 * A path relative to the manifest's folder, written with forward slashes. Absolute paths and
 * Windows drive letters are refused here; whether a `..` escapes the repository can only be decided
 * once the manifest's location is known, which src/lib/manifest checks.
 */
export const RelativePath = z
  .string()
  .min(1, { error: 'path is empty' })
  .max(1024, { error: 'path is longer than 1024 characters' })
  .check((ctx) => {
    const value = ctx.value;
    const problem = value.includes('\0')
      ? 'path contains a NUL byte'
      : value.includes('\\')
        ? 'use forward slashes ("/") in paths'
        : value.startsWith('/') || /^[A-Za-z]:/.test(value)
          ? 'absolute paths are refused: give a path relative to the manifest folder'
          : undefined;
    if (problem) ctx.issues.push({ code: 'custom', input: value, message: problem });
  })
  .describe('Path relative to the manifest folder, with forward slashes; must stay inside the repository.');
export type RelativePath = z.output<typeof RelativePath>;

/** A file downloaded from the web, pinned by its digest. */
export const RemoteSource = z
  .strictObject({
    /** Where to download the file. */
    url: HttpsUrl.describe('https URL to download the file from.'),
    /** Digest the download must match; nothing is kept on a mismatch. */
    sha256: Sha256,
    /** Exact size in bytes, when known: downloads stop as soon as they exceed it. */
    bytes: z.int().positive().optional().describe('Exact size in bytes; the download stops past it.'),
  })
  .describe('A remote file: https URL pinned by sha256.');
export type RemoteSource = z.output<typeof RemoteSource>;

/**
 * Set on the demo's manifests, whose local files `podium demo` builds (they are git-ignored): until
 * it has run, validation accepts their absence. Only this one value exists, so a contributor's
 * manifest cannot use it to skip checks on files it ships (and nothing ever runs it).
 */
export const GeneratedBy = z
  .literal('podium demo')
  .optional()
  .describe('Local files built by `podium demo` (git-ignored); validation accepts them absent until then.');

/** A file in the repository, next to the manifest (demo and test data). */
export const LocalSource = z
  .strictObject({
    /** Path relative to the manifest folder. */
    path: RelativePath,
    /** Optional digest the file is checked against. */
    sha256: Sha256.optional(),
  })
  .describe('A file in the repository, relative to the manifest folder; optionally pinned by sha256.');
export type LocalSource = z.output<typeof LocalSource>;

/**
 * A download URL for data (dataset images and annotations): https, or plain http. Data is accepted
 * over http because its integrity never depends on the transport: every data URL is pinned by
 * sha256 (and, for http, by its exact size), verified while streaming, and nothing is kept on a
 * mismatch. What http still exposes is which public file was fetched, which is no secret. Some
 * hosts of standard datasets serve them that way (COCO's images.cocodataset.org is an S3 bucket
 * whose https certificate does not name the host). Weights stay https-only, as do links shown to
 * readers (HttpsUrl).
 */
export const DataUrl = z
  .string()
  .max(2048, { error: 'URL is longer than 2048 characters' })
  .check((ctx) => {
    const message = urlProblem(ctx.value, true);
    if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
  })
  .meta({ format: 'uri', pattern: '^https?://' })
  .describe('An https:// URL, or http:// for data pinned by sha256 and bytes (see the methodology).');
export type DataUrl = z.output<typeof DataUrl>;

/** Whether a URL is plain http (allowed for pinned data only). */
export function isPlainHttp(url: string): boolean {
  return /^http:/i.test(url);
}

/** A data file downloaded from the web: https, or http when pinned by sha256 and exact size. */
export const DataRemoteSource = z
  .strictObject({
    /** Where to download the file. */
    url: DataUrl,
    /** Digest the download must match; nothing is kept on a mismatch. */
    sha256: Sha256,
    /** Exact size in bytes; required for a plain http URL. */
    bytes: z
      .int()
      .positive()
      .optional()
      .describe('Exact size in bytes; the download stops past it. Required for http URLs.'),
  })
  .check((ctx) => {
    if (isPlainHttp(ctx.value.url) && ctx.value.bytes === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['bytes'],
        message: 'required for a plain http URL (with sha256 it pins the file exactly)',
      });
    }
  })
  .describe('A remote data file: an https URL (or http, with bytes) pinned by sha256.');
export type DataRemoteSource = z.output<typeof DataRemoteSource>;

const SOURCE_HINT = 'expected either {url, sha256, bytes?} (a remote file) or {path, sha256?} (a local file)';

/**
 * Exactly one of a remote or a local file. A union of two strict objects means a manifest that
 * mixes `url` and `path` fails both branches; format-error.ts picks the branch that fits best to
 * explain why, falling back to SOURCE_HINT.
 */
export const Source = z
  .union([RemoteSource, LocalSource], { error: SOURCE_HINT })
  .describe('A file: {url, sha256, bytes?} downloaded over https, or {path, sha256?} in the repository.');
export type Source = z.output<typeof Source>;

/** A data file: remote (https, or pinned http) or in the repository. */
export const DataSource = z
  .union([DataRemoteSource, LocalSource], { error: SOURCE_HINT })
  .describe(
    'A file: {url, sha256, bytes?} downloaded (https, or http with bytes), or {path, sha256?} in the repository.',
  );
export type DataSource = z.output<typeof DataSource>;

/** Narrows a source to the remote form. */
export function isRemoteSource(source: Source | DataSource): source is RemoteSource | DataRemoteSource {
  return 'url' in source;
}

/** A source whose declared size, if any, is at most `maxBytes`. */
export function sourceWithLimit(maxBytes: number, what: string) {
  return Source.check((ctx) => {
    const value = ctx.value;
    if ('bytes' in value && value.bytes !== undefined && value.bytes > maxBytes) {
      ctx.issues.push({
        code: 'too_big',
        origin: 'number',
        maximum: maxBytes,
        inclusive: true,
        input: value.bytes,
        path: ['bytes'],
        message: `${what} declares ${value.bytes} bytes, over the limit of ${maxBytes} bytes (${formatBytes(maxBytes)})`,
      });
    }
  });
}

/** 2 GiB → "2 GiB"; used in messages. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Short free text shown on the site (escaped there). */
export function text(max: number) {
  return z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `at most ${max} characters` });
}
