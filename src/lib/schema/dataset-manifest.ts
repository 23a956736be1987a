import { z } from 'zod';
import { DataSource, GeneratedBy, HttpsUrl, License, RelativePath, Sha256, Slug, text } from './common.ts';

/**
 * A path inside an archive: forward slashes, relative, no `..`. Checked again when extracting
 * (archive.ts refuses unsafe entry names), but a manifest that names one is wrong on its face.
 */
export const ArchiveMemberPath = z
  .string()
  .min(1, { error: 'member is empty' })
  .max(1024, { error: 'member is longer than 1024 characters' })
  .check((ctx) => {
    const value = ctx.value;
    const problem = value.includes('\0')
      ? 'member contains a NUL byte'
      : value.includes('\\')
        ? 'use forward slashes ("/") in member paths'
        : value.startsWith('/') || /^[A-Za-z]:/.test(value)
          ? 'a member path is relative to the archive root'
          : value.split('/').some((part) => part === '..' || part === '.')
            ? 'a member path must not contain "." or ".." segments'
            : undefined;
    if (problem) ctx.issues.push({ code: 'custom', input: value, message: problem });
  })
  .describe('Path inside the archive, e.g. annotations/instances_val2017.json.');

/** "This member of that archive": one file taken out of a zip archive (e.g. COCO's annotations). */
export const ArchiveMember = z
  .strictObject({
    /** The zip archive; it is downloaded and verified once, then only the member is extracted. */
    archive: DataSource.describe(
      'The zip archive holding the file: {url, sha256, bytes?} or {path, sha256?}.',
    ),
    /** The file inside the archive. */
    member: ArchiveMemberPath,
    /** Optional digest of the extracted member itself. */
    sha256: Sha256.optional().describe(
      'Optional sha256 of the extracted member (the archive is pinned anyway).',
    ),
  })
  .describe('One file inside a zip archive: {archive: <source>, member: <path in the archive>, sha256?}.');
export type ArchiveMember = z.output<typeof ArchiveMember>;

/** The annotations file: on its own, or a member of an archive. */
export const AnnotationsSource = z
  .union([ArchiveMember, DataSource], {
    error:
      'expected {url, sha256, bytes?}, {path, sha256?}, or {archive: <source>, member: <path in the archive>}',
  })
  .describe('COCO instances JSON: a file ({url…} or {path…}) or {archive, member} (a file inside a zip).');
export type AnnotationsSource = z.output<typeof AnnotationsSource>;

export function isArchiveMember(source: AnnotationsSource): source is ArchiveMember {
  return 'archive' in source;
}

/** Where the images are: a folder, a zip archive, or a URL prefix. */
export const DatasetImages = z
  .union(
    [
      z
        .strictObject({
          /** Folder of images, relative to the manifest folder. */
          path: RelativePath.describe('Folder holding the images, relative to the manifest folder.'),
        })
        .describe('Images in a folder of the repository.'),
      z
        .strictObject({
          /** Zip archive of the images; extracted once into the cache. */
          archive: DataSource.describe(
            'Zip archive holding the images: {url, sha256, bytes?} or {path, sha256?}.',
          ),
          /** The folder inside the archive that file_name values are relative to. */
          member: ArchiveMemberPath.optional().describe(
            "Folder inside the archive the images' file_name values are relative to (e.g. val2017); default: its root.",
          ),
        })
        .describe('Images in a zip archive (optionally one folder of it), extracted into the cache.'),
      z
        .strictObject({
          /** Each image is downloaded from baseUrl + file_name. */
          baseUrl: HttpsUrl.describe('https prefix; an image is fetched from baseUrl + its file_name.'),
        })
        .describe('Images fetched one by one from an https prefix.'),
    ],
    { error: 'expected one of {path: <folder>}, {archive: <source>, member?} or {baseUrl: <https prefix>}' },
  )
  .describe('Where the images are: {path}, {archive} or {baseUrl}.');
export type DatasetImages = z.output<typeof DatasetImages>;

/** A category as in COCO's `categories`. */
export const DatasetCategory = z
  .strictObject({
    /** Category id as used in the annotations. */
    id: z.int().min(0).describe('Category id as used in the annotations.'),
    /** Category name; models' class lists are matched against it. */
    name: text(100).describe("Category name; models' class names are matched against it."),
    /** Optional grouping, as in COCO. */
    supercategory: text(100).optional().describe('Optional grouping, as in COCO.'),
  })
  .describe('A category: {id, name, supercategory?}.');
export type DatasetCategory = z.output<typeof DatasetCategory>;

/** Options for Ultralytics / Roboflow YOLO exports. */
export const YoloOptions = z
  .strictObject({
    /** data.yaml, relative to the images root (the folder, or the root of the extracted archive). */
    dataYaml: RelativePath.describe(
      'The export\'s data.yaml (with "names" and "val"/"test"), relative to the images root.',
    ),
    /** Which entry of data.yaml lists the evaluation images. */
    split: z
      .enum(['val', 'test'])
      .default('val')
      .describe('Which entry of data.yaml lists the evaluation images (default val).'),
  })
  .describe(
    'YOLO export: data.yaml with names and val/test image folders; labels in sibling labels/ folders.',
  );
export type YoloOptions = z.output<typeof YoloOptions>;

/** The licence of one part of a dataset (images, annotations, packaging), when they differ. */
export const DatasetLicensePart = z
  .strictObject({
    /** Which part: images, annotations, packaging… */
    part: text(100).describe('Which part of the dataset this licence covers, e.g. images or annotations.'),
    /** SPDX id, or LicenseRef-<name> for terms without one (e.g. Flickr's). */
    license: License.describe('SPDX licence id of that part, or LicenseRef-<name>.'),
    /** Where the terms are published. */
    url: HttpsUrl.optional().describe('Where the terms are published (https URL).'),
    /** A notice file shipped with the dataset, relative to the manifest folder. */
    file: RelativePath.optional().describe('Licence or notice file next to the manifest (relative path).'),
  })
  .describe('Licence of one part of the dataset: {part, license, url?, file?}.');
export type DatasetLicensePart = z.output<typeof DatasetLicensePart>;

/** `datasets/<id>/dataset.yaml`: a benchmark dataset. */
export const DatasetManifest = z
  .strictObject({
    /** Must equal the folder name under datasets/. */
    id: Slug.describe('Dataset id; must equal the folder name under datasets/.'),
    /** Display name. */
    name: text(100).describe('Display name, e.g. "COCO val2017".'),
    /** Short description (plain text, shown escaped). */
    description: text(2000).optional().describe('Short plain-text description.'),
    /** Only object detection for now. */
    task: z.literal('detect').describe('Task; only "detect" for now.'),
    /** Split label shown on the site, e.g. val2017. */
    split: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'expected a short label such as val2017' })
      .describe('Split label shown on the site, e.g. val2017.'),
    /** Annotation format. */
    format: z
      .enum(['coco', 'yolo'])
      .describe('Annotation format: coco (instances JSON) or yolo (labels txt).'),
    /** COCO instances JSON (format: coco). */
    annotations: AnnotationsSource.optional().describe(
      'COCO instances JSON (a file, or {archive, member}); required when format is coco.',
    ),
    /** The images. */
    images: DatasetImages,
    /** YOLO options (format: yolo). */
    yolo: YoloOptions.optional(),
    /** Licence of the images and annotations. */
    license: License.describe('SPDX licence id of the data (or LicenseRef-<name>).'),
    /** Licences of the parts, when images, annotations and packaging differ. */
    licenses: z
      .array(DatasetLicensePart)
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Licences of the parts (images, annotations, packaging) when they differ; shown on the site.',
      ),
    /** Project page. */
    homepage: HttpsUrl.optional().describe('Project page (https URL).'),
    /** How to cite the dataset (plain text). */
    citation: text(1000).optional().describe('How to cite the dataset (plain text).'),
    /** What a reader must know before reading scores on this dataset. */
    caveats: z
      .array(text(1000))
      .max(10)
      .optional()
      .describe('What readers must know before trusting scores here (e.g. overlap with training data).'),
    /** Categories; optional for COCO (the annotations carry them), must agree when given. */
    categories: z
      .array(DatasetCategory)
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        'Categories; optional for coco (taken from the annotations), must agree with them when given.',
      ),
    /** The demo's dataset: images and annotations built by `podium demo`. */
    generatedBy: GeneratedBy,
  })
  .check((ctx) => {
    const m = ctx.value;
    const issue = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', input: m, path: [path], message });
    if (m.format === 'coco') {
      if (!m.annotations) issue('annotations', 'required when format is coco');
      if (m.yolo) issue('yolo', 'only for format: yolo');
    } else {
      if (!m.yolo) issue('yolo', 'required when format is yolo: give {dataYaml}');
      if (m.annotations) issue('annotations', 'only for format: coco (YOLO labels sit next to the images)');
      if ('baseUrl' in m.images) issue('images', 'a YOLO dataset needs a folder or an archive, not baseUrl');
    }
    if (m.categories) {
      const ids = new Set<number>();
      const names = new Set<string>();
      m.categories.forEach((c, i) => {
        if (ids.has(c.id))
          ctx.issues.push({
            code: 'custom',
            input: c,
            path: ['categories', i, 'id'],
            message: `duplicate id ${c.id}`,
          });
        if (names.has(c.name))
          ctx.issues.push({
            code: 'custom',
            input: c,
            path: ['categories', i, 'name'],
            message: `duplicate name "${c.name}"`,
          });
        ids.add(c.id);
        names.add(c.name);
      });
    }
  })
  .describe('A benchmark dataset on the Podium leaderboard (datasets/<id>/dataset.yaml).');

export type DatasetManifest = z.output<typeof DatasetManifest>;
export type DatasetManifestInput = z.input<typeof DatasetManifest>;
