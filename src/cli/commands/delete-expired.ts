import type { DeleteExpiredResult } from "../../index.ts";
import { EXIT, writeLine } from "../io.ts";
import { progressBar } from "../progress.ts";
import { assertSqliteFileExists, explainMissingSchema } from "../schema.ts";
import type { CommandContext } from "./context.ts";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * The closing line, e.g. `Deleted 10000 expired guests (and 3 expired sessions).`
 * @example
 * ```ts
 * summary({ deleted: 0, expired: 4, sessionsDeleted: 0, dryRun: true });
 * // "Dry run: 4 expired guests would be deleted."
 * ```
 */
export function summary(result: DeleteExpiredResult): string {
  if (result.dryRun) {
    return `Dry run: ${plural(result.expired, "expired guest")} would be deleted.`;
  }
  return `Deleted ${plural(result.deleted, "expired guest")} (and ${plural(result.sessionsDeleted, "expired session")}).`;
}

/**
 * `guest-user delete-expired`: deletes expired guests in batches, with a progress bar on a
 * terminal's stderr, and prints a summary. Never creates tables.
 * @example
 * ```ts
 * await deleteExpired({ guestUsers, database, options: { batchSize: 500, dryRun: false, json: false }, io });
 * // prints "Deleted 1200 expired guests (and 0 expired sessions)."
 * ```
 */
export async function deleteExpired({
  guestUsers,
  database,
  options,
  io,
}: CommandContext): Promise<number> {
  assertSqliteFileExists(database);
  const progress = progressBar(io.stderr);
  let result: DeleteExpiredResult;
  try {
    result = await guestUsers.deleteExpired({
      maxAge: options.maxAge,
      batchSize: options.batchSize,
      dryRun: options.dryRun,
      onProgress: progress.update,
    });
  } catch (error) {
    throw explainMissingSchema(error);
  } finally {
    progress.clear();
  }
  writeLine(io.stdout, summary(result));
  return EXIT.ok;
}
