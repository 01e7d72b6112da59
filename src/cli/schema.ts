import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type DatabaseSource, DatabaseUnavailableError } from "../index.ts";
import { sqliteDirectoryMissing, usersTableMissing } from "../shared/database-errors.ts";
import { GuestUserError } from "../shared/errors.ts";
import { sqlitePathOf } from "../shared/sqlite-path.ts";
import { DEFAULT_DATABASE } from "../store/connect.ts";
import { isMissingColumn, isMissingTable } from "../store/driver-errors.ts";
import { usersTableIsMissing } from "../store/migrate.ts";
import type { CommandContext } from "./commands/context.ts";

/**
 * The library's tables are not there, or lack a column a later migration adds, or the app's own
 * users table (`users.table`) is missing: the commands other than `migrate` never create or
 * change tables. Code `SCHEMA_MISSING`.
 */
export class SchemaMissingError extends GuestUserError {
  /**
   * @param outdated true when the tables exist but lack a column (a migration not applied)
   * @param usersTable the app's own users table, when it is the one missing (`migrate` does
   *   not make it: the app's migrations do)
   */
  constructor(
    detail: string,
    options?: ErrorOptions & { readonly outdated?: boolean; readonly usersTable?: string },
  ) {
    const { outdated, usersTable } = options ?? {};
    super(
      "SCHEMA_MISSING",
      usersTable
        ? usersTableMissing(usersTable, detail)
        : `the guest-user tables are ${outdated ? "out of date" : "missing"} (${detail}): run \`guest-user migrate\` first`,
      options,
    );
  }
}

/**
 * Runs a command's `work` on the tables `migrate` made, never creating them: a missing SQLite
 * file is refused before connecting ({@link assertSqliteFileExists}), and a driver error saying
 * a table is missing, or a column a later migration adds (SQLite `no such column`, PostgreSQL
 * 42703, MySQL/MariaDB 1054), becomes a {@link SchemaMissingError}, with advice of its own when
 * the missing table is the app's own users table (`users.table`).
 * @example
 * ```ts
 * const counts = await onMigratedSchema({ database, guestUsers }, () => guestUsers.stats());
 * ```
 */
export async function onMigratedSchema<T>(
  { database, guestUsers }: Pick<CommandContext, "database" | "guestUsers">,
  work: () => Promise<T>,
): Promise<T> {
  assertSqliteFileExists(database);
  try {
    return await work();
  } catch (error) {
    const table = isMissingTable(error);
    if (!table && !isMissingColumn(error)) throw error;
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const { tables } = guestUsers.settings;
    const theirs = table && (await usersTableIsMissing(guestUsers.db, tables));
    throw new SchemaMissingError(detail || "a table or column does not exist", {
      cause: error,
      outdated: !table,
      ...(theirs ? { usersTable: tables.users.table } : {}),
    });
  }
}

/**
 * Checks, before connecting, that a SQLite database file exists: opening a missing one would
 * create an empty file (a stray `guest-user.sqlite3` when run from the wrong directory).
 * Non-SQLite URLs, in-memory databases and driver objects pass; so does a malformed URL (the
 * library reports it).
 */
function assertSqliteFileExists(database: DatabaseSource = DEFAULT_DATABASE): void {
  if (typeof database !== "string") return;
  const path = sqlitePathOf(database);
  if (!path || path === ":memory:") return;
  if (existsSync(path)) return;
  const directory = dirname(resolve(path));
  if (!existsSync(directory)) {
    // The same error `migrate` gives: creating the directory comes before migrating.
    throw new DatabaseUnavailableError(null, {
      reason: "directory-missing",
      message: sqliteDirectoryMissing(directory),
    });
  }
  throw new SchemaMissingError(`no SQLite database at ${resolve(path)}`);
}
