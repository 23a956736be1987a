import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readDatasetInputs } from '../../lib/board/dataset-inputs.ts';
import { gtFromJson } from '../../lib/eval/load.ts';
import { loadGt } from '../../lib/eval/read-files.ts';
import { findRepoRoot } from '../../lib/manifest/discover.ts';
import { findDataset } from '../../lib/manifest/load.ts';
import { mergeShards, type ShardPart } from '../../lib/shards/merge-shards.ts';
import { readShardPredictions, writeJsonMaybeGzip } from '../../lib/shards/shard-file.ts';
import { UserError } from '../../lib/util/errors.ts';

const HELP = `Usage: podium merge-shards (--gt GT.json | --dataset ID) --out merged.json PART...

Joins the partial predictions written by \`podium run --shard i/n\` (gzip JSON) into one COCO
results list, after checking that the parts fit together: the same ground truth (by sha256),
the same split into n shards, each shard once, every image of the ground truth covered exactly
once, and every detection on an image of its own shard.

Options:
  --gt FILE        the COCO ground truth the shards were predicted against
  --dataset ID     or: the dataset whose annotations they were predicted against
  --out FILE       merged COCO results list (gzip when the name ends in .gz), written atomically
  --root DIR       repository root, for --dataset (default: nearest folder with package.json or .git)
  --cache-dir DIR  download cache, for --dataset
  --quiet          print nothing but errors
  -h, --help       show this help`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gt: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      root: { type: 'string' },
      'cache-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if ((values.gt === undefined) === (values.dataset === undefined))
    throw new UserError(`give either --gt or --dataset\n\n${HELP}`);
  if (!values.out) throw new UserError(`--out is required\n\n${HELP}`);
  if (positionals.length === 0) throw new UserError(`no shard files given\n\n${HELP}`);

  let gt: Awaited<ReturnType<typeof loadGt>>;
  let gtLabel: string;
  if (values.gt !== undefined) {
    gt = await loadGt(values.gt);
    gtLabel = values.gt;
  } else {
    const repoRoot = values.root ? resolve(values.root) : await findRepoRoot(process.cwd());
    const dataset = await findDataset(values.dataset!, { repoRoot });
    const inputs = await readDatasetInputs(dataset, { cacheDir: values['cache-dir'] });
    gt = gtFromJson(inputs.gt, inputs.label, inputs.annotationsSha256);
    gtLabel = inputs.label;
  }

  const parts: ShardPart[] = [];
  for (const file of positionals) parts.push({ file, predictions: await readShardPredictions(file) });
  const merged = mergeShards(parts, gt, gtLabel);
  await writeJsonMaybeGzip(values.out, merged.detections);
  if (!values.quiet) {
    console.log(
      `merged ${parts.length} shard${parts.length === 1 ? '' : 's'} of ${merged.shardCount}: ` +
        `${merged.images} images, ${merged.detections.length} detections → ${values.out}`,
    );
  }
  return 0;
}
