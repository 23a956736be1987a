import { z } from 'zod';
import { HttpsUrl, RelativePath, Sha256, text } from './common.ts';

/**
 * How the board turns a model that is published only as a PyTorch checkpoint into ONNX. A manifest
 * with `export` and no `weights` is valid, shown as "awaiting export", and never run; the export
 * workflow (.github/workflows/export.yml) runs the recipe in a pinned Python environment, uploads
 * the ONNX file and proposes `weights` by pull request (`podium pin`).
 *
 * Everything here is contributor input that a maintainer-triggered workflow will execute, so it
 * is as narrow as a recipe can be: exact package pins, a command given as an argument list (run
 * without a shell), file names without folders.
 */

/** A plain file name: no folder, no shell metacharacters, no leading dash or dot. */
export const PlainFileName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, {
    error: 'expected a plain file name (letters, digits, ".", "_", "-"; no folders)',
  })
  .describe('A plain file name, without folders.');

/** `name==version`, as pip reads it: exact pins only, so an export can be repeated. */
export const PinnedRequirement = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(\[[A-Za-z0-9,._-]{1,100}\])?==[A-Za-z0-9][A-Za-z0-9.+!_-]{0,49}$/,
    {
      error: 'expected an exact pin, name==version (e.g. torch==2.5.1)',
    },
  )
  .describe('An exact pip pin, name==version.');

/** An exact release, e.g. 8.4.190: no ranges. */
const ExactVersion = z
  .string()
  .regex(/^[0-9][A-Za-z0-9.+!_-]{0,49}$/, { error: 'expected an exact version, e.g. 8.4.190' })
  .describe('Exact version of the package, e.g. 8.4.190.');

/** The checkpoint the export starts from. */
export const ExportCheckpoint = z
  .strictObject({
    /** A direct download. */
    url: HttpsUrl.optional().describe('Direct download of the checkpoint (https).'),
    /** Where the project links the checkpoint when it offers no direct URL (e.g. a Google Drive page). */
    page: HttpsUrl.optional().describe(
      'Where the project links the checkpoint when there is no direct URL; the workflow then asks for one.',
    ),
    /** Only where the project publishes one: a digest computed by us would prove nothing. */
    sha256: Sha256.optional().describe(
      'sha256 the project publishes for the checkpoint (leave out when it publishes none).',
    ),
    /** Exact size in bytes, when known. */
    bytes: z.int().positive().optional().describe('Exact size of the checkpoint in bytes, when known.'),
    /** The name the command reads the checkpoint under, in its working folder. */
    file: PlainFileName.describe('File name the command reads the checkpoint as (in its working folder).'),
  })
  .check((ctx) => {
    if (ctx.value.url === undefined && ctx.value.page === undefined)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'give url (a direct download) or page (where the project links the checkpoint)',
      });
  })
  .describe('The PyTorch checkpoint: {url | page, sha256?, bytes?, file}.');

/** The exporter: a PyPI package at an exact version, or a repository at a commit. */
export const Exporter = z
  .union(
    [
      z
        .strictObject({
          /** PyPI package that exports, e.g. ultralytics or rfdetr. */
          package: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: 'expected a PyPI package name' })
            .describe('PyPI package that does the export, e.g. ultralytics.'),
          version: ExactVersion,
        })
        .describe('A PyPI package at an exact version.'),
      z
        .strictObject({
          /** The project's repository; its export script is run from a checkout. */
          repository: HttpsUrl.describe('Git repository holding the export script (https).'),
          /**
           * Full commit id: a branch or tag could move. Optional so that a model can be listed
           * before anyone has checked which commit exports it; the workflow refuses to run
           * without one.
           */
          commit: z
            .string()
            .regex(/^[0-9a-f]{40}$/, { error: 'expected a full 40-character commit id' })
            .optional()
            .describe(
              'Full commit id of the checkout (40 hex characters); the export workflow refuses a recipe without it.',
            ),
          /** Folder of the checkout the command runs in. */
          workdir: RelativePath.optional().describe(
            'Folder of the checkout the command runs in (default: its root).',
          ),
        })
        .describe('A repository checkout at a commit.'),
    ],
    { error: 'expected {package, version} or {repository, commit, workdir?}' },
  )
  .describe('Who exports: {package, version} from PyPI, or {repository, commit, workdir?}.');

/** `export`: how to make the ONNX file when the project publishes none. */
export const ExportRecipe = z
  .strictObject({
    checkpoint: ExportCheckpoint,
    exporter: Exporter,
    /** CPython version of the environment. */
    python: z
      .string()
      .regex(/^3\.(9|1[0-9])$/, { error: 'expected a CPython minor version such as 3.11' })
      .describe('CPython version of the export environment, e.g. 3.11.'),
    /** Everything else the environment needs, pinned exactly. */
    requirements: z
      .array(PinnedRequirement)
      .max(40)
      .default([])
      .describe('Other packages of the environment, each pinned exactly (name==version).'),
    /** The command, as an argument list: it is run without a shell. */
    command: z
      .array(
        z
          .string()
          .min(1)
          .max(1000)
          .refine((s) => !/[\0\n\r]/.test(s), { error: 'an argument must be one line' }),
      )
      .min(1)
      .max(60)
      .describe('The export command as a list of arguments (run without a shell, in the working folder).'),
    /** ONNX opset the command exports at. */
    opset: z.int().min(7).max(25).describe('ONNX opset the command exports at.'),
    /** The ONNX file the command writes, in its working folder. */
    output: PlainFileName.describe('The ONNX file the command writes, in its working folder.'),
    /** Anything a maintainer should know (plain text). */
    notes: text(1000).optional().describe('Notes for the maintainer who runs the export (plain text).'),
  })
  .describe(
    'How the board exports this model to ONNX when the project publishes only a checkpoint (never run by podium itself).',
  );
export type ExportRecipe = z.output<typeof ExportRecipe>;
