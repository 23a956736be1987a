import { appendFile } from 'node:fs/promises';
import { checkPullRequest, formatReport } from '../../lib/policy/pr-check.ts';
import { UserError } from '../../lib/util/errors.ts';
import { EXIT } from '../exit-codes.ts';
import {
  cacheDirOption,
  defineCommand,
  defineOptions,
  formatHelp,
  type OptionValues,
  resolveRoot,
  rootOption,
} from '../spec.ts';

const options = defineOptions({
  base: { type: 'string', arg: 'REF', help: 'the branch the PR targets, e.g. origin/main (required)' },
  fetch: {
    type: 'boolean',
    help: 'download remote weights (sha256-verified, size-limited) to check operators',
  },
  cacheDir: { ...cacheDirOption, help: 'download cache' },
  root: rootOption,
});
export type PrCheckCliOptions = OptionValues<typeof options>;

/** Runs the policy checks and prints (and, on GitHub, appends to the step summary) their table. */
export async function prCheck(values: PrCheckCliOptions): Promise<number> {
  if (!values.base) throw new UserError(`--base is required\n\n${formatHelp(command)}`);
  const repoRoot = await resolveRoot(values.root);
  const report = await checkPullRequest({
    repoRoot,
    base: values.base,
    fetch: values.fetch,
    cacheDir: values.cacheDir,
  });
  const markdown = formatReport(report);
  console.log(markdown);
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (summary) await appendFile(summary, `${markdown}\n`);
  return report.ok ? EXIT.ok : EXIT.user;
}

export const command = defineCommand({
  name: 'pr-check',
  usage: ['--base <git ref> [--fetch]'],
  description: `The maintainers' policy checks on a pull request, from \`git diff --name-status <base>...HEAD\`:
a model PR changes only models/<id>/ (never results/, nothing else); each changed model's
manifest validates, has no TODO left, pins its weights by sha256 with a declared size, names its
licence, and (when the weights are on this machine) uses only standard ONNX operators.

Prints a Markdown table, also appended to the file named by $GITHUB_STEP_SUMMARY when set.`,
  options,
  footer: 'Exits 2 when a check fails.',
  run: prCheck,
});
