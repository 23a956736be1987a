import { z } from 'zod';
import { HttpsUrl, License, RelativePath, Slug, Source, text } from './common.ts';

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
          archive: Source.describe(
            'Zip archive holding the images: {url, sha256, bytes?} or {path, sha256?}.',
          ),
        })
        .describe('Images in a zip archive, extracted into the cache.'),
      z
        .strictObject({
          /** Each image is downloaded from baseUrl + file_name. */
          baseUrl: HttpsUrl.describe('https prefix; an image is fetched from baseUrl + its file_name.'),
        })
        .describe('Images fetched one by one from an https prefix.'),
    ],
    { error: 'expected one of {path: <folder>}, {archive: <source>} or {baseUrl: <https prefix>}' },
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
    annotations: Source.optional().describe('COCO instances JSON; required when format is coco.'),
    /** The images. */
    images: DatasetImages,
    /** YOLO options (format: yolo). */
    yolo: YoloOptions.optional(),
    /** Licence of the images and annotations. */
    license: License.describe('SPDX licence id of the data (or LicenseRef-<name>).'),
    /** Project page. */
    homepage: HttpsUrl.optional().describe('Project page (https URL).'),
    /** Categories; optional for COCO (the annotations carry them), must agree when given. */
    categories: z
      .array(DatasetCategory)
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        'Categories; optional for coco (taken from the annotations), must agree with them when given.',
      ),
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
