import type { CleanupProgress } from "../index.ts";
import type { Output } from "./io.ts";

/** A progress display for `delete-expired`. */
export interface Progress {
  /** Shows the latest numbers (pass it as `onProgress`). */
  readonly update: (progress: CleanupProgress) => void;
  /** Erases the bar, if one was drawn. */
  readonly clear: () => void;
}

const numbers = new Intl.NumberFormat("en-US");

/**
 * One frame of the bar, e.g. `[#######.....] 7,000/10,000 guests deleted`.
 * @example
 * ```ts
 * renderBar({ deleted: 7000, total: 10000 }, 12); // "[########....] 7,000/10,000 guests deleted"
 * ```
 */
export function renderBar({ deleted, total }: CleanupProgress, width = 30): string {
  const ratio = total > 0 ? Math.min(1, deleted / total) : 1;
  const filled = Math.floor(ratio * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  return `[${bar}] ${numbers.format(deleted)}/${numbers.format(total)} guests deleted`;
}

/**
 * A bar redrawn in place with `\r` on a terminal, at most every `interval` milliseconds
 * (and always for the last batch); nothing at all when `output` is not a TTY.
 * @example
 * ```ts
 * const progress = progressBar(process.stderr);
 * try {
 *   await guestUsers.deleteExpired({ onProgress: progress.update });
 * } finally {
 *   progress.clear();
 * }
 * ```
 */
export function progressBar(
  output: Output,
  { interval = 100, now = Date.now }: { interval?: number; now?: () => number } = {},
): Progress {
  if (!output.isTTY) return { update() {}, clear() {} };
  let drawn = false;
  let last = Number.NEGATIVE_INFINITY;
  return {
    update(progress) {
      const time = now();
      if (time - last < interval && progress.deleted < progress.total) return;
      last = time;
      drawn = true;
      output.write(`\r${renderBar(progress)}`);
    },
    clear() {
      if (drawn) output.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
