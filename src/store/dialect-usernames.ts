import type { RawBuilder } from "kysely";

/**
 * How each database compares the usernames of an app's own users table, which has no folded
 * `username_key` column (the built-in table compares by that key on every database):
 * SQLite and PostgreSQL by `lower(column)` (the index on it), MySQL/MariaDB by the column's
 * own case-insensitive collation (an index on lower() would not be used there). The database
 * may fold less (SQLite: ASCII only) or more (MariaDB: accents too) than we do: callers keep
 * the rows whose `usernameKey` is the same as theirs.
 */
export interface DialectUsernames {
  /** `column` matches `username` without regard to case (one name). */
  equals(column: RawBuilder<unknown>, username: string): RawBuilder<unknown>;
  /** `column` matches one of `usernames` without regard to case (a non-empty list). */
  anyOf(column: RawBuilder<unknown>, usernames: readonly string[]): RawBuilder<unknown>;
  /** The admin search's sort key of `column`, on an index (each dialect's says which). */
  sortKey(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** `key` (a {@link sortKey}) starts with `prefix`, as a range on its index. */
  startsWith(key: RawBuilder<unknown>, prefix: string): RawBuilder<unknown>;
}
