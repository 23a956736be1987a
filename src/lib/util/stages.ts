/**
 * Stage-by-stage progress on stderr for long synchronous work (JSON.parse, matching), where a
 * timer-driven progress bar would never get to redraw. Draws only on a TTY; records timings always.
 */
export interface Stages {
  /** Marks the start of a stage (ending the previous one). */
  next(label: string): void;
  /** Ends the last stage, clears the line, returns [label, seconds] per stage. */
  done(): [string, number][];
}

export function createStages(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  draw = stream.isTTY === true,
): Stages {
  const timings: [string, number][] = [];
  let current: string | null = null;
  let started = 0;
  const t0 = performance.now();
  const close = () => {
    if (current !== null) timings.push([current, (performance.now() - started) / 1000]);
    current = null;
  };
  return {
    next(label) {
      close();
      current = label;
      started = performance.now();
      if (draw) {
        const elapsed = ((started - t0) / 1000).toFixed(1);
        stream.write(`\r\x1b[K[${timings.length + 1}/${total}] ${label}… (${elapsed}s)`);
      }
    },
    done() {
      close();
      if (draw) stream.write('\r\x1b[K');
      return timings;
    },
  };
}
