/** Where the CLI writes: `process.stdout` and `process.stderr` fit, and so do test doubles. */
export interface Output {
  write(text: string): unknown;
  /** True on a terminal: only then is a progress bar drawn. */
  readonly isTTY?: boolean;
}

/** The outside world of one CLI run. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Environment variables (`DATABASE_URL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The working directory: relative `--config` paths and `guest-user.config.*` are found there.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** Exit codes: success, a failure (database, configuration), a usage error (bad flag). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Writes one line (a newline is added).
 * @example
 * ```ts
 * writeLine(io.stdout, "Schema is up to date");
 * ```
 */
export function writeLine(output: Output, line: string): void {
  output.write(`${line}\n`);
}
