import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, posix, relative, sep } from 'node:path';
import sharp from 'sharp';
import { parseSafeYaml } from '../manifest/read-yaml.ts';
import type {
  PreparedAnnotation,
  PreparedCategory,
  PreparedGroundTruth,
  PreparedImage,
} from '../schema/coco.ts';
import type { DatasetCategory } from '../schema/dataset-manifest.ts';
import { UserError } from '../util/errors.ts';
import { resolveInside, resolveRealInside } from '../util/paths.ts';

/**
 * Ultralytics / Roboflow YOLO export → COCO ground truth.
 *
 * Input: `data.yaml` with `names` (a list, or a mapping 0..n-1 → name) and `val` / `test` (a folder
 * or list of folders of images); each `…/images/…/x.jpg` has its labels in `…/labels/…/x.txt`, one
 * box per line `cls cx cy w h`, normalised to [0, 1] by the image's width and height as displayed
 * (EXIF orientation applied, as Ultralytics does). Polygon lines (`cls x1 y1 x2 y2 …`) become their
 * bounding box. An image without a label file is a background image (no boxes).
 *
 * Output: COCO with boxes in absolute pixels [x, y, w, h] and area = w * h. Images are sorted by
 * path and numbered from 1; file_name is the path relative to the images root.
 *
 * Category ids: class index + 1, so ids start at 1 as in COCO (0 is read as "background" by some
 * tools) — unless the manifest lists categories, which must then name the classes in data.yaml's
 * order and give the ids to use.
 */
export interface YoloToCocoOptions {
  /** Images root: the dataset folder, or the extracted archive. */
  readonly root: string;
  /** data.yaml, relative to root. */
  readonly dataYaml: string;
  readonly split: 'val' | 'test';
  readonly categories?: readonly DatasetCategory[] | undefined;
  /** Names the dataset in messages, e.g. "datasets/foo/dataset.yaml". */
  readonly label: string;
  /** Images whose size is read at once. Default 8. */
  readonly concurrency?: number;
}

export interface YoloConversion {
  readonly gt: PreparedGroundTruth;
  /** Lines skipped because their box has no area, and similar non-fatal findings. */
  readonly warnings: string[];
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);
/** Coordinates a hair outside [0, 1] are float noise from the exporter, not errors. */
const TOLERANCE = 1e-6;

export async function yoloToCoco(given: YoloToCocoOptions): Promise<YoloConversion> {
  // Everything below is compared with and made relative to real paths (symlinks followed), so the
  // root must be one too: a dataset reached through a symlinked folder is still inside itself.
  const options = { ...given, root: await realpath(given.root).catch(() => given.root) };
  const { root, label } = options;
  const yamlFile = await realInside(root, root, options.dataYaml, label, 'yolo.dataYaml');
  const yamlName = `${label} → ${options.dataYaml}`;
  const data = parseSafeYaml(await readFile(yamlFile, 'utf8'), yamlName);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError('expected a mapping with names and val/test', { file: yamlName });
  }
  const record = data as Record<string, unknown>;
  const names = readNames(record, yamlName);
  const categories = buildCategories(names, options.categories, yamlName);

  const dirs = await splitFolders(record, options, yamlFile, yamlName);
  const files = (await Promise.all(dirs.map((d) => listImages(d)))).flat();
  const unique = [...new Set(files)].sort();
  if (unique.length === 0) throw new UserError(`no images found for "${options.split}"`, { file: yamlName });

  const warnings: string[] = [];
  const images: PreparedImage[] = [];
  const annotations: PreparedAnnotation[] = [];
  const sizes = await mapLimit(unique, options.concurrency ?? 8, (file) => displaySize(file, root));
  for (let i = 0; i < unique.length; i++) {
    const file = unique[i]!;
    const { width, height } = sizes[i]!;
    const image: PreparedImage = { id: i + 1, file_name: toPosix(relative(root, file)), width, height };
    images.push(image);
    const labelFile = labelPathFor(file);
    let text: string;
    try {
      text = await readFile(labelFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // background image
      throw err;
    }
    const where = toPosix(relative(root, labelFile));
    for (const box of parseLabels(text, where, names.length, warnings)) {
      const x0 = clamp((box.cx - box.w / 2) * width, 0, width);
      const y0 = clamp((box.cy - box.h / 2) * height, 0, height);
      const x1 = clamp((box.cx + box.w / 2) * width, 0, width);
      const y1 = clamp((box.cy + box.h / 2) * height, 0, height);
      const w = x1 - x0;
      const h = y1 - y0;
      annotations.push({
        id: annotations.length + 1,
        image_id: image.id,
        category_id: categories[box.cls]!.id,
        bbox: [x0, y0, w, h],
        area: w * h,
        iscrowd: 0,
      });
    }
  }
  return { gt: { images, annotations, categories }, warnings };
}

function readNames(data: Record<string, unknown>, file: string): string[] {
  const raw = data['names'];
  let names: unknown[];
  if (Array.isArray(raw)) names = raw;
  else if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw as Record<string, unknown>);
    names = entries.map((_, i) => {
      if (!(String(i) in raw)) throw new UserError(`names: expected keys 0..${entries.length - 1}`, { file });
      return (raw as Record<string, unknown>)[String(i)];
    });
  } else throw new UserError('names: expected the list of class names', { file });
  if (names.length === 0) throw new UserError('names: the list is empty', { file });
  names.forEach((n, i) => {
    if (typeof n !== 'string' && typeof n !== 'number')
      throw new UserError(`names[${i}]: expected a name`, { file });
  });
  const nc = data['nc'];
  if (nc !== undefined && nc !== names.length) {
    throw new UserError(`nc is ${String(nc)} but names lists ${names.length} classes`, { file });
  }
  return names.map(String);
}

function buildCategories(
  names: readonly string[],
  declared: readonly DatasetCategory[] | undefined,
  file: string,
): PreparedCategory[] {
  if (!declared) return names.map((name, i) => ({ id: i + 1, name }));
  if (declared.length !== names.length) {
    throw new UserError(
      `the manifest lists ${declared.length} categories but data.yaml has ${names.length}`,
      { file },
    );
  }
  return names.map((name, i) => {
    const c = declared[i]!;
    if (c.name !== name) {
      throw new UserError(
        `class ${i} is "${name}" in data.yaml but "${c.name}" in the manifest's categories`,
        {
          file,
        },
      );
    }
    return c.supercategory ? { id: c.id, name, supercategory: c.supercategory } : { id: c.id, name };
  });
}

/**
 * The folders listed under `val` / `test`, resolved like Ultralytics does: against data.yaml's
 * `path` when it is relative (an absolute `path` is the exporter's machine and is ignored), else
 * against data.yaml's folder. Roboflow writes `../valid/images` although the folder sits beside
 * data.yaml, so a missing `../x` is retried as `x`. Every folder must stay inside the images root.
 */
async function splitFolders(
  data: Record<string, unknown>,
  options: YoloToCocoOptions,
  yamlFile: string,
  file: string,
): Promise<string[]> {
  const entry = data[options.split];
  const list = typeof entry === 'string' ? [entry] : Array.isArray(entry) ? entry : undefined;
  if (!list || list.length === 0 || list.some((e) => typeof e !== 'string')) {
    throw new UserError(`${options.split}: expected a folder of images (or a list of folders)`, { file });
  }
  const yamlDir = dirname(yamlFile);
  const pathKey = data['path'];
  let base = yamlDir;
  if (typeof pathKey === 'string' && pathKey !== '' && !isAbsolute(pathKey)) {
    const inside = resolveInside(options.root, yamlDir, pathKey);
    if (inside === undefined) throw new UserError(`path: "${pathKey}" points outside the dataset`, { file });
    base = inside;
  }
  const dirs: string[] = [];
  for (const rel of list as string[]) {
    const candidates = rel.startsWith('../') ? [rel, rel.slice(3)] : [rel];
    let found: string | undefined;
    let escapes = false;
    for (const candidate of candidates) {
      try {
        found = await resolveRealInside(options.root, base, candidate);
      } catch {
        continue; // missing: try the next reading
      }
      if (found !== undefined) break;
      escapes = true;
    }
    if (found === undefined && escapes) {
      throw new UserError(`${options.split}: "${rel}" points outside the dataset`, { file });
    }
    if (found === undefined) throw new UserError(`${options.split}: folder "${rel}" not found`, { file });
    if (!(await stat(found)).isDirectory()) {
      throw new UserError(`${options.split}: "${rel}" is not a folder (image list files are not supported)`, {
        file,
      });
    }
    dirs.push(found);
  }
  return dirs;
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name));
}

/** `a/images/b/x.jpg` → `a/labels/b/x.txt` (the last `images` folder); else `x.txt` beside it. */
export function labelPathFor(image: string): string {
  const parts = image.split(sep);
  const at = parts.lastIndexOf('images');
  if (at >= 0 && at < parts.length - 1) parts[at] = 'labels';
  const swapped = parts.join(sep);
  return swapped.slice(0, swapped.length - extname(swapped).length) + '.txt';
}

interface YoloBox {
  cls: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** Parses one label file; malformed lines are errors naming file and line. */
export function parseLabels(text: string, file: string, classCount: number, warnings: string[]): YoloBox[] {
  const boxes: YoloBox[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const values = fields.map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new UserError(`not a number in "${line.trim()}"`, { file: where });
    const cls = values[0]!;
    if (!Number.isInteger(cls) || cls < 0 || cls >= classCount) {
      throw new UserError(`class ${fields[0]} is not in names (0..${classCount - 1})`, { file: where });
    }
    const coords = values.slice(1);
    if (coords.some((v) => v < -TOLERANCE || v > 1 + TOLERANCE)) {
      throw new UserError('coordinates must be normalised to [0, 1]', { file: where });
    }
    let box: YoloBox;
    if (coords.length === 4) {
      box = { cls, cx: coords[0]!, cy: coords[1]!, w: coords[2]!, h: coords[3]! };
    } else if (coords.length >= 6 && coords.length % 2 === 0) {
      const xs = coords.filter((_, k) => k % 2 === 0);
      const ys = coords.filter((_, k) => k % 2 === 1);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      box = { cls, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 };
    } else {
      throw new UserError(`expected "class cx cy w h" (or a polygon), got ${fields.length} values`, {
        file: where,
      });
    }
    if (box.w <= 0 || box.h <= 0) {
      warnings.push(`${where}: box without area skipped`);
      return;
    }
    boxes.push(box);
  });
  return boxes;
}

/** Width and height as displayed: EXIF orientations 5–8 rotate by 90°, swapping them. */
async function displaySize(file: string, root: string): Promise<{ width: number; height: number }> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(file).metadata();
  } catch (err) {
    throw new UserError(`cannot read the image (${(err as Error).message})`, {
      file: toPosix(relative(root, file)),
      cause: err,
    });
  }
  const { width, height, orientation } = meta;
  if (!width || !height) throw new UserError('image has no size', { file: toPosix(relative(root, file)) });
  return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
}

async function realInside(
  root: string,
  base: string,
  rel: string,
  label: string,
  field: string,
): Promise<string> {
  let real: string | undefined;
  try {
    real = await resolveRealInside(root, base, rel);
  } catch {
    throw new UserError(`${field}: "${rel}" not found`, { file: label });
  }
  if (real === undefined)
    throw new UserError(`${field}: "${rel}" points outside the dataset`, { file: label });
  return real;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

function toPosix(p: string): string {
  return p.split(sep).join(posix.sep);
}
