import { GuestUserError } from "./errors.ts";

/**
 * Why the database cannot be used, as {@link DatabaseUnavailableError.reason}:
 * - `unreachable`: the server is down, unreachable, or went away mid-query;
 * - `database-missing`: the server answers but the database named in the URL does not exist
 *   (PostgreSQL 3D000, MySQL/MariaDB ER_BAD_DB_ERROR 1049);
 * - `access-denied`: the server refused the login (an unknown role or user, a wrong password:
 *   PostgreSQL 28000/28P01, MySQL/MariaDB 1044/1045);
 * - `directory-missing`: the directory of a SQLite file does not exist.
 */
export type DatabaseProblem =
  | "unreachable"
  | "database-missing"
  | "access-denied"
  | "directory-missing";

/** A reason and the message that names its fix. */
export interface DatabaseDiagnosis {
  readonly reason: DatabaseProblem;
  readonly message: string;
}

const WHERE = "the `database` option or DATABASE_URL";

/** The first `code`/`errno` and message along an error's `cause` chain (and an AggregateError's errors). */
function driverFacts(error: unknown): Partial<Record<"code" | "errno" | "sqlState", unknown>> & {
  message: string;
} {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") break;
    const { code, errno, sqlState, message, cause, errors } = current as Record<string, unknown>;
    if (code !== undefined || errno !== undefined) {
      return { code, errno, sqlState, message: typeof message === "string" ? message : "" };
    }
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Tells why a driver error keeps us from the database and what to do about it; never repeats
 * the connection URL (it may hold a password), only the driver's own message.
 */
function diagnoseDatabaseError(cause: unknown): DatabaseDiagnosis {
  const { code, errno, sqlState, message } = driverFacts(cause);
  if (code === "3D000" || code === "ER_BAD_DB_ERROR" || errno === 1049) {
    const name = /database "([^"]+)"|Unknown database '([^']+)'/i.exec(message);
    const database = name?.[1] ?? name?.[2] ?? "<name>";
    const create =
      code === "3D000" ? `\`createdb ${database}\`` : `\`CREATE DATABASE ${database}\``;
    return {
      reason: "database-missing",
      message: `The database "${database}" does not exist: create it with ${create}, or point ${WHERE} at an existing one.`,
    };
  }
  const postgres = code === "28000" || code === "28P01";
  // MySQL/MariaDB: 1044 no access to the database, 1045 refused, 1698 refused without a password.
  if (postgres || sqlState === "28000" || errno === 1044 || errno === 1045 || errno === 1698) {
    const role = postgres ? /role "([^"]+)" does not exist/.exec(message)?.[1] : undefined;
    const fix = role ? `create the role with \`createuser ${role}\`, or ` : "";
    const grant = postgres
      ? ""
      : ", or create the user and grant it the database (CREATE USER, GRANT)";
    return {
      reason: "access-denied",
      message: `The database server refused the login (${message}): ${fix}fix the user name and password in ${WHERE}${grant}.`,
    };
  }
  return {
    reason: "unreachable",
    message: `The database could not be reached (${message}): check that the server runs and that ${WHERE} points at it.`,
  };
}

/** The message for an app's own users table (`users.table`) that does not exist. */
export function usersTableMissing(table: string, detail?: string): string {
  return `your users table ${JSON.stringify(table)} (the \`users.table\` option) does not exist${detail ? ` (${detail})` : ""}: create it with your app's migrations, before guest-user's, or name your existing users table in \`users.table\`; guest-user's migrations add only their own tables beside it`;
}

/** The message for a SQLite file whose directory does not exist. */
export function sqliteDirectoryMissing(directory: string): string {
  return `The directory ${directory} of the SQLite database does not exist: create it (\`mkdir -p ${directory}\`) or fix the path in ${WHERE}.`;
}

/**
 * The database cannot be used; `reason` tells why. The message names the fix and never
 * contains the connection URL or its password.
 */
export class DatabaseUnavailableError extends GuestUserError {
  /** Which of the {@link DatabaseProblem}s it is. */
  readonly reason: DatabaseProblem;

  /**
   * @param cause the driver's error
   * @param diagnosis the reason and message when the caller knows better (a SQLite path)
   * @default diagnosis diagnoseDatabaseError(cause)
   */
  constructor(cause: unknown, diagnosis: DatabaseDiagnosis = diagnoseDatabaseError(cause)) {
    super("DATABASE_UNAVAILABLE", diagnosis.message, { cause });
    this.reason = diagnosis.reason;
  }
}
