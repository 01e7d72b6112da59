/** Reads a driver error's `code` or `errno` without trusting its shape. */
export function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string") return code;
  if (typeof errno === "number") return errno;
  return undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
]);

/** Network-level failures common to every networked driver. */
export function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return (
    error instanceof Error &&
    /Connection terminated|connection.*closed|Cannot enqueue/i.test(error.message)
  );
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

/**
 * True when a driver error says a column does not exist (SQLite `no such column`, PostgreSQL
 * 42703, MySQL/MariaDB 1054): a migration that adds it was not applied.
 */
export function isMissingColumn(error: unknown): boolean {
  return driverSays(error, MISSING_COLUMN_CODES, MISSING_COLUMN_MESSAGE);
}
