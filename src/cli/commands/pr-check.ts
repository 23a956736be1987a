import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findRepoRoot } from '../../lib/manifest/discover.ts';
import { checkPullRequest, formatReport } from '../../lib/policy/pr-check.ts';
import { UserError } from '../../lib/util/errors.ts';

const HELP = `Usage: podium pr-check --base <git ref> [--fetch]

The maintainers' policy checks on a pull request, from \`git diff --name-status <base>...HEAD\`:
a model PR changes only models/<id>/ (never results/, nothing else); each changed model's
manifest validates, has no TODO left, pins its weights by sha256 with a declared size, names its
licence, and (when the weights are on this machine) uses only standard ONNX operators.

Prints a Markdown table, also appended to the file named by $GITHUB_STEP_SUMMARY when set.
Exits 2 when a check fails.

Options:
  --base REF        the branch the PR targets, e.g. origin/main (required)
  --fetch           download remote weights (sha256-verified, size-limited) to check operators
  --cache-dir DIR   download cache (default .podium/cache or $PODIUM_CACHE_DIR)
  --root DIR        repository root (default: nearest folder above with package.json or .git)
  -h, --help        show this help`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string' },
      fetch: { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.base) throw new UserError(`--base is required\n\n${HELP}`);
  const repoRoot = values.root ? resolve(values.root) : await findRepoRoot(process.cwd());
  const report = await checkPullRequest({
    repoRoot,
    base: values.base,
    fetch: values.fetch,
    cacheDir: values['cache-dir'],
  });
  const markdown = formatReport(report);
  console.log(markdown);
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (summary) await appendFile(summary, `${markdown}\n`);
  return report.ok ? 0 : 2;
}
