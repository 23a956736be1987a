/**
 * Writes the deterministic fake board (tests/support/fake-board.ts) for developing the site.
 * Usage: npx node scripts/fake-board.ts [--models 500] [--datasets 2] [--out DIR] [--seed 1]
 * (DIR defaults to $PODIUM_DATA_DIR, else .podium/fake-board).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateBoard } from '../tests/support/fake-board.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '24' },
    datasets: { type: 'string', default: '2' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    decimals: { type: 'string', default: '4' },
  },
});
const dir = resolve(values.out ?? process.env['PODIUM_DATA_DIR'] ?? '.podium/fake-board');
const summary = await generateBoard({
  dir,
  models: Number(values.models),
  datasets: Number(values.datasets),
  seed: Number(values.seed),
  decimals: Number(values.decimals),
  clean: true,
});
console.log(
  `fake board: ${summary.models.length} models (${summary.hidden.length} hidden) × ${summary.datasets.length} datasets = ${summary.results} results in ${dir}`,
);
