/**
 * The map of Podium's parts and the import arrows allowed between them — the one machine-readable
 * copy; docs/architecture.md explains it, tests/architecture/boundaries.test.ts enforces it.
 *
 * A file belongs to the part whose path prefix is the longest match; any `*.test.ts` file belongs to
 * `tests` wherever it lives (unit tests sit next to their module). Imports inside one part are free.
 */

export interface Part {
  /** Path prefixes (folders end with `/`, files are exact) relative to the repository root. */
  paths: readonly string[];
  /** What the part is, in one line (shown in docs/architecture.md). */
  is: string;
  /** Parts this part may import from. */
  mayImport: readonly PartName[];
}

const LIB = ['schema', 'limits', 'util', 'eval', 'onnx', 'runner', 'manifest', 'fetch', 'dataset'] as const;
const PRODUCTION = [...LIB, 'demo', 'board', 'shards', 'policy', 'orchestrate', 'cli', 'site'] as const;

export type PartName = (typeof PRODUCTION)[number] | 'testing' | 'tests' | 'bench' | 'scripts' | 'bin';

export const PARTS: Record<PartName, Part> = {
  util: {
    paths: ['src/lib/util/'],
    is: 'leaf helpers: typed errors, atomic writes, hashing, paths inside a root, PRNG, stage timing',
    mayImport: [],
  },
  limits: {
    paths: ['src/lib/policy/limits.ts'],
    is: 'every size limit the board enforces, one table of constants',
    mayImport: [],
  },
  schema: {
    paths: ['src/lib/schema/'],
    is: 'zod schemas (manifests, COCO files, metric JSON): the one source of types',
    mayImport: ['util', 'limits'],
  },
  eval: {
    paths: ['src/lib/eval/'],
    is: 'COCO evaluation, pycocotools-exact (match → accumulate → summarize), and extended analysis',
    mayImport: ['schema', 'util'],
  },
  onnx: {
    paths: ['src/lib/onnx/'],
    is: 'ONNX protobuf: reading a model graph (inspect) and writing one (builder)',
    mayImport: ['util'],
  },
  runner: {
    paths: ['src/lib/runner/'],
    is: 'ONNX Runtime session, preprocessing, decoders per family, NMS, the inference pipeline',
    mayImport: ['onnx', 'schema', 'util', 'limits'],
  },
  manifest: {
    paths: ['src/lib/manifest/'],
    is: 'finding, reading and checking model.yaml / dataset.yaml',
    mayImport: ['schema', 'util', 'limits'],
  },
  fetch: {
    paths: ['src/lib/fetch/'],
    is: 'sha256-pinned downloads into the cache; resolving a manifest source to a local file',
    mayImport: ['manifest', 'schema', 'util', 'limits'],
  },
  dataset: {
    paths: ['src/lib/dataset/'],
    is: 'preparing an evaluation set (COCO or YOLO layout, archives, images) into COCO ground truth',
    mayImport: ['eval', 'fetch', 'manifest', 'schema', 'util', 'limits'],
  },
  demo: {
    paths: ['src/lib/demo/'],
    is: 'the synthetic "shapes" dataset and demo detectors, built in code',
    mayImport: ['dataset', 'fetch', 'manifest', 'onnx', 'schema', 'util', 'limits'],
  },
  board: {
    paths: ['src/lib/board/'],
    is: 'the board on disk: stored results, cache keys, which pairs are stale (plan)',
    mayImport: [
      'dataset',
      'eval',
      'fetch',
      'manifest',
      'onnx',
      'runner',
      'schema',
      'shards',
      'util',
      'limits',
    ],
  },
  shards: {
    paths: ['src/lib/shards/'],
    is: 'shard files of predictions: splitting a dataset, reading, merging',
    mayImport: ['eval', 'schema', 'util', 'limits'],
  },
  policy: {
    paths: ['src/lib/policy/'],
    is: "a maintainer's policy checks on a model pull request (pr-check)",
    mayImport: ['fetch', 'manifest', 'onnx', 'schema', 'util', 'limits'],
  },
  orchestrate: {
    paths: ['src/lib/orchestrate/'],
    is: 'running the board: one pair (inference → evaluation → metric JSON) and run --all',
    mayImport: [
      'board',
      'dataset',
      'eval',
      'fetch',
      'manifest',
      'onnx',
      'runner',
      'schema',
      'shards',
      'util',
      'limits',
    ],
  },
  cli: {
    paths: ['src/cli/'],
    is: 'the podium command: argument parsing and one module per command',
    mayImport: [
      'board',
      'dataset',
      'demo',
      'eval',
      'fetch',
      'manifest',
      'onnx',
      'orchestrate',
      'policy',
      'runner',
      'schema',
      'shards',
      'util',
      'limits',
    ],
  },
  site: {
    paths: [
      'src/site/',
      'src/pages/',
      'src/components/',
      'src/layouts/',
      'src/styles/',
      'src/content.config.ts',
      'astro.config.mjs',
    ],
    is: 'the Astro site: content loaders, view models, charts, pages and components',
    mayImport: ['manifest', 'schema', 'util', 'limits'],
  },
  testing: {
    paths: ['tests/support/'],
    is: 'test support: fixture builders and generators shared by tests and benchmarks',
    mayImport: [...PRODUCTION],
  },
  tests: {
    paths: ['tests/'],
    is: 'test suites (plus every *.test.ts next to its module)',
    mayImport: [...PRODUCTION, 'testing', 'scripts', 'bin'],
  },
  bench: {
    paths: ['bench/'],
    is: 'performance benchmarks that print ratios',
    mayImport: [...PRODUCTION, 'testing'],
  },
  scripts: {
    paths: ['scripts/'],
    is: 'developer scripts: the demo, JSON Schema export, the fake board',
    mayImport: [...PRODUCTION, 'testing'],
  },
  bin: {
    paths: ['bin/'],
    is: 'the installed podium executable',
    mayImport: ['cli'],
  },
};

/**
 * Arrows allowed for now although the table forbids them, each with its reason. The boundary test
 * fails on an entry that no longer matches any import, so this list only shrinks.
 */
export const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];
