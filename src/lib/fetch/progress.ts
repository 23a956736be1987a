import cliProgress from 'cli-progress';

/** What a transfer reports as it goes; a no-op when nobody is watching. */
export interface Progress {
  start(total: number | undefined, done: number): void;
  update(done: number): void;
  stop(): void;
}

const QUIET: Progress = { start() {}, update() {}, stop() {} };

/**
 * A progress bar on stderr, only when stderr is a terminal: in CI logs and pipes a bar is noise
 * (carriage returns and thousands of redraws), so the transfer stays quiet there.
 */
export function progressFor(label: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return QUIET;
  const mib = (n: number) => (n / 1024 ** 2).toFixed(1);
  let bar: cliProgress.SingleBar | undefined;
  let known = true;
  return {
    start(total, done) {
      known = total !== undefined && total > 0;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          format: (_options, params) =>
            known
              ? `${label} ${Math.round(params.progress * 100)}% ${mib(params.value)}/${mib(params.total)} MiB`
              : `${label} ${mib(params.value)} MiB`,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(known ? total! : 1, done);
    },
    update(done) {
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
