import type { PreparedCategory, PreparedGroundTruth } from '../schema/coco.ts';
import type { DatasetCategory } from '../schema/dataset-manifest.ts';
import { UserError } from '../util/errors.ts';

/**
 * COCO "instances" ground truth as plain JSON (PreparedGroundTruth, schema/coco.ts), the hand-off
 * to the evaluator (src/lib/eval/load.ts `gtFromJson` validates it in full and converts it to
 * columns). bbox is [x, y, width, height] of the top-left corner, in pixels of the image as
 * displayed (EXIF orientation applied).
 */
/**
 * The checks this side of the hand-off needs: the three arrays exist, and every image has a
 * unique integer id (the runner selects, checkpoints and resumes images by id, before the
 * evaluator sees them), a positive integer width and height (checked against the decoded image)
 * and a file_name that is a safe relative path (it becomes a file path or a URL, and the
 * annotations file is contributor input). Everything else is the evaluator's to validate.
 */
export function checkCocoShape(value: unknown, file: string): asserts value is PreparedGroundTruth {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError('expected a COCO object with images, annotations and categories', { file });
  }
  const record = value as Record<string, unknown>;
  for (const key of ['images', 'annotations', 'categories']) {
    if (!Array.isArray(record[key])) throw new UserError(`${key}: expected a list`, { file });
  }
  const ids = new Set<number>();
  (record['images'] as unknown[]).forEach((image, i) => {
    if (typeof image !== 'object' || image === null || Array.isArray(image))
      throw new UserError(`images[${i}]: expected an object`, { file });
    const { id, width, height, file_name: name } = image as Record<string, unknown>;
    if (!Number.isSafeInteger(id))
      throw new UserError(`images[${i}].id: expected an integer id, got ${JSON.stringify(id)}`, { file });
    if (ids.has(id as number)) throw new UserError(`images[${i}].id: duplicate image id ${id}`, { file });
    ids.add(id as number);
    for (const [key, v] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!(Number.isSafeInteger(v) && (v as number) > 0))
        throw new UserError(`images[${i}].${key}: expected a positive integer, got ${JSON.stringify(v)}`, {
          file,
        });
    }
    const problem = typeof name !== 'string' ? 'expected a file name' : fileNameProblem(name);
    if (problem) throw new UserError(`images[${i}].file_name: ${problem}`, { file });
  });
}

/** Why an image file_name is unsafe, or undefined when it is a plain relative path. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '') return 'empty file name';
  if (name.includes('\0') || name.includes('\\')) return `"${name}" contains a NUL byte or backslash`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `"${name}" is an absolute path`;
  if (name.split('/').includes('..')) return `"${name}" contains ".."`;
  return undefined;
}

/**
 * When the manifest lists categories, they must agree with the annotations': the same ids with
 * the same names (the manifest is what reviewers read, the annotations are what is scored).
 */
export function categoryAgreementProblems(
  declared: readonly DatasetCategory[] | undefined,
  actual: readonly PreparedCategory[],
): string[] {
  if (!declared) return [];
  const problems: string[] = [];
  const byId = new Map(actual.map((c) => [c.id, c]));
  for (const c of declared) {
    const found = byId.get(c.id);
    if (!found) problems.push(`category ${c.id} "${c.name}" is not in the annotations`);
    else if (found.name !== c.name)
      problems.push(`category ${c.id} is "${found.name}" in the annotations, not "${c.name}"`);
  }
  const declaredIds = new Set(declared.map((c) => c.id));
  for (const c of actual) {
    if (!declaredIds.has(c.id))
      problems.push(`the annotations' category ${c.id} "${c.name}" is missing from the manifest`);
  }
  return problems;
}
