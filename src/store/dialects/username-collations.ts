import { type RawBuilder, sql } from "kysely";
import type { DialectUsernames } from "../dialect-usernames.ts";
import { normalizeUsername, usernameSpellings } from "../username-case.ts";

const MAX_CHAR = "\u{10FFFF}";

/** Escapes LIKE's wildcards (and its escape character, the backslash: the default one). */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * `key` starts with `prefix`, as a range in code point order (every value that starts with
 * it sorts between `prefix` and `prefix` + U+10FFFF).
 * @example
 * ```ts
 * prefixRange(sql.ref("u.username_key"), "ad"); // key >= 'ad' and key < 'ad\u{10FFFF}'
 * ```
 */
export function prefixRange(key: RawBuilder<unknown>, prefix: string): RawBuilder<unknown> {
  return sql`${key} >= ${prefix} and ${key} < ${prefix + MAX_CHAR}`;
}

/** `lower(column) in (lower(s), ...)`, each name in every spelling (see usernameSpellings). */
const lowerIn = (column: RawBuilder<unknown>, usernames: readonly string[]) =>
  sql`lower(${column}) in (${sql.join(
    [...new Set(usernames.flatMap(usernameSpellings))].map((s) => sql`lower(${s})`),
  )})`;

const lowerIndexed = {
  equals: (column: RawBuilder<unknown>, username: string) => lowerIn(column, [username]),
  anyOf: lowerIn,
};

/** SQLite: `lower(username)` and its index, BINARY order (so a prefix is an exact range). */
export const sqliteUsernames: DialectUsernames = {
  ...lowerIndexed,
  sortKey: (column) => sql`lower(${column})`,
  startsWith: prefixRange,
};

/** PostgreSQL: `lower(username) collate "C"`, on which LIKE 'ab%' is a range. */
export const postgresUsernames: DialectUsernames = {
  ...lowerIndexed,
  sortKey: (column) => sql`(lower(${column}) collate "C")`,
  startsWith: (key, prefix) => sql`${key} like ${likePrefix(prefix)}`,
};

/** MySQL/MariaDB: the column's own case-insensitive collation and index. */
export const mysqlUsernames: DialectUsernames = {
  equals: (column, username) => sql`${column} = ${normalizeUsername(username)}`,
  anyOf: (column, usernames) =>
    sql`${column} in (${sql.join(usernames.map((name) => sql`${normalizeUsername(name)}`))})`,
  sortKey: (column) => column,
  startsWith: (key, prefix) => sql`${key} like ${likePrefix(prefix)}`,
};
