import { readDatasetInputs } from '../../lib/board/dataset-inputs.ts';
import { gtFromJson } from '../../lib/eval/load.ts';
import { loadGt } from '../../lib/eval/read-files.ts';
import { findDataset } from '../../lib/manifest/load.ts';
import { mergeShards, type ShardPart } from '../../lib/shards/merge-shards.ts';
import { readShardPredictions, writeJsonMaybeGzip } from '../../lib/shards/shard-file.ts';
import { UserError } from '../../lib/util/errors.ts';
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
  gt: { type: 'string', arg: 'FILE', help: 'the COCO ground truth the shards were predicted against' },
  dataset: {
    type: 'string',
    arg: 'ID',
    help: 'or: the dataset whose annotations they were predicted against',
  },
  out: {
    type: 'string',
    arg: 'FILE',
    help: 'merged COCO results list (gzip when the name ends in .gz), written atomically',
  },
  root: { ...rootOption, help: 'repository root, for --dataset' },
  cacheDir: { ...cacheDirOption, help: 'download cache, for --dataset' },
  quiet: { type: 'boolean', help: 'print nothing but errors' },
});
export type MergeShardsOptions = OptionValues<typeof options>;

/** Joins the shard files into one COCO results list after checking they fit together. */
export async function mergeShardFiles(values: MergeShardsOptions, positionals: string[]): Promise<number> {
  const help = formatHelp(command);
  if ((values.gt === undefined) === (values.dataset === undefined))
    throw new UserError(`give either --gt or --dataset\n\n${help}`);
  if (!values.out) throw new UserError(`--out is required\n\n${help}`);
  if (positionals.length === 0) throw new UserError(`no shard files given\n\n${help}`);

  let gt: Awaited<ReturnType<typeof loadGt>>;
  let gtLabel: string;
  if (values.gt !== undefined) {
    gt = await loadGt(values.gt);
    gtLabel = values.gt;
  } else {
    const repoRoot = await resolveRoot(values.root);
    const dataset = await findDataset(values.dataset!, { repoRoot });
    const inputs = await readDatasetInputs(dataset, { cacheDir: values.cacheDir });
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

export const command = defineCommand({
  name: 'merge-shards',
  usage: ['(--gt GT.json | --dataset ID) --out merged.json PART...'],
  description: `Joins the partial predictions written by \`podium run --shard i/n\` (gzip JSON) into one COCO
results list, after checking that the parts fit together: the same ground truth (by sha256),
the same split into n shards, each shard once, every image of the ground truth covered exactly
once, and every detection on an image of its own shard.`,
  options,
  positionals: { name: 'shard file' },
  run: mergeShardFiles,
});
