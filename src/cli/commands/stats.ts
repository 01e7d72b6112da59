import { EXIT, writeLine } from "../io.ts";
import { assertSqliteFileExists, explainMissingSchema } from "../schema.ts";
import type { CommandContext } from "./context.ts";

/**
 * `guest-user stats`: the number of guests and of expired guests, as text or JSON. Never
 * creates tables: an unmigrated database is reported as such.
 * @example
 * ```ts
 * await stats({ guestUsers, database, options: { json: true, dryRun: false }, io });
 * // prints {"guests":5,"expired":3}
 * ```
 */
export async function stats({
  guestUsers,
  database,
  options,
  io,
}: CommandContext): Promise<number> {
  assertSqliteFileExists(database);
  const { guests, expired } = await guestUsers
    .stats({ maxAge: options.maxAge })
    .catch((error: unknown) => {
      throw explainMissingSchema(error);
    });
  writeLine(
    io.stdout,
    options.json ? JSON.stringify({ guests, expired }) : `Guests: ${guests}\nExpired: ${expired}`,
  );
  return EXIT.ok;
}
