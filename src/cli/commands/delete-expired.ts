import type { DeleteExpiredResult } from "../../index.ts";
import { EXIT, writeLine } from "../io.ts";
import { progressBar } from "../progress.ts";
import { onMigratedSchema } from "../schema.ts";
import type { Command } from "./context.ts";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * The closing line, e.g. `Deleted 10000 expired guests (and 3 expired sessions).`, followed
 * by ` 40 guests match retention.keepIf.` when the retention rule matched some.
 * @example
 * ```ts
 * summary({ deleted: 0, expired: 4, kept: 0, sessionsDeleted: 0, dryRun: true });
 * // "Dry run: 4 expired guests would be deleted."
 * ```
 */
export function summary(result: DeleteExpiredResult): string {
  const kept =
    result.kept > 0
      ? ` ${plural(result.kept, "guest")} ${result.kept === 1 ? "matches" : "match"} retention.keepIf.`
      : "";
  if (result.dryRun) {
    return `Dry run: ${plural(result.expired, "expired guest")} would be deleted.${kept}`;
  }
  return `Deleted ${plural(result.deleted, "expired guest")} (and ${plural(result.sessionsDeleted, "expired session")}).${kept}`;
}

/**
 * `guest-user delete-expired`: deletes expired guests in batches (the retention rule of the
 * options: `maxAge`, or `maxAgeIfKept` for the guests `keepIf` matches; `--max-age` replaces
 * `maxAge` only), with a progress bar on a terminal's stderr, and prints a summary. Never
 * creates tables.
 * @example
 * ```ts
 * await deleteExpired({ guestUsers, database, options: { batchSize: 500, dryRun: false, json: false }, io });
 * // prints "Deleted 1200 expired guests (and 0 expired sessions)."
 * ```
 */
export const deleteExpired: Command = async ({ guestUsers, database, options, io }) => {
  const progress = progressBar(io.stderr);
  const result = await onMigratedSchema({ database, guestUsers }, () =>
    guestUsers
      .deleteExpired({
        maxAge: options.maxAge,
        batchSize: options.batchSize,
        dryRun: options.dryRun,
        onProgress: progress.update,
      })
      .finally(progress.clear),
  );
  writeLine(io.stdout, summary(result));
  return EXIT.ok;
};
