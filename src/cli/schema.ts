import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type DatabaseSource, DatabaseUnavailableError } from "../index.ts";
import { GuestUserError, sqliteDirectoryMissing } from "../shared/errors.ts";
import { DEFAULT_DATABASE } from "../store/connect.ts";
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
        ? `your users table ${JSON.stringify(usersTable)} (the \`users.table\` option) does not exist (${detail}): create it with your app's migrations, or name your existing users table in \`users.table\`; \`guest-user migrate\` adds only its own tables beside it`
        : `the guest-user tables are ${outdated ? "out of date" : "missing"} (${detail}): run \`guest-user migrate\` first`,
      options,
    );
  }
}

const MISSING_TABLE_CODES = new Set<unknown>(["42P01", "ER_NO_SUCH_TABLE", 1146]);
const MISSING_TABLE_MESSAGE = /no such table|relation .* does not exist|table .* doesn't exist/i;
const MISSING_COLUMN_CODES = new Set<unknown>(["42703", "ER_BAD_FIELD_ERROR", 1054]);
const MISSING_COLUMN_MESSAGE = /no such column|column .* does not exist|unknown column/i;

/** True when a driver error along the `cause` chain has one of `codes` or matches `message`. */
function driverSays(error: unknown, codes: ReadonlySet<unknown>, pattern: RegExp): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    const { code, errno, message, cause } = current as Record<string, unknown>;
    if (codes.has(code) || codes.has(errno)) return true;
    if (typeof message === "string" && pattern.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * True when a driver error says a table does not exist (SQLite `no such table`, PostgreSQL
 * 42P01, MySQL/MariaDB 1146), looking through `cause` chains.
 * @example
 * ```ts
 * isMissingTable(new Error("no such table: guest_user_guests")); // true
 * ```
 */
export function isMissingTable(error: unknown): boolean {
  return driverSays(error, MISSING_TABLE_CODES, MISSING_TABLE_MESSAGE);
}

/** The table a "no such table" error names (SQLite, PostgreSQL, MySQL/MariaDB wordings). */
function missingTableName(message: string): string | undefined {
  const name =
    /no such table: (?:\w+\.)?(\S+)|relation "(?:\w+\.)?([^"]+)" does not exist|Table '(?:[^'.]+\.)?([^']+)' doesn't exist/i.exec(
      message,
    );
  return name?.[1] ?? name?.[2] ?? name?.[3];
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
    if (!table && !driverSays(error, MISSING_COLUMN_CODES, MISSING_COLUMN_MESSAGE)) throw error;
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const { table: usersTable, builtIn } = guestUsers.settings.tables.users;
    const theirs = table && !builtIn && detail && missingTableName(detail) === usersTable;
    throw new SchemaMissingError(detail || "a table or column does not exist", {
      cause: error,
      outdated: !table,
      ...(theirs ? { usersTable } : {}),
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
  const scheme = /^(sqlite|file):/i.exec(database)?.[1];
  if (scheme === undefined) return;
  const path = database.slice(scheme.length + 1).replace(/^\/\//, "");
  if (path === "" || path === ":memory:") return;
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
