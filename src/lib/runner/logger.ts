/**
 * Where runner modules send messages; they never print themselves. `console` fits, and so does
 * the CLI's logger or a test's collector.
 */
export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
}
