import * as v from "valibot";
import { accepted, type EntriesOf, optionBag } from "../shared/option-schema.ts";
import { integerFrom, matching, oneOf, orNull } from "../shared/option-values.ts";

/**
 * Where the users live: the built-in `guest_user_users` table, or the app's own users table
 * described by its table and column names.
 *
 * Usernames are unique without regard to case or NFKC form (`"Ada"`, `"ada"` and `"ＡＤＡ"`
 * are one username) and stored NFKC-normalized. On the built-in table our migrations enforce
 * it with full Unicode case folding (`"straße"` is `"STRASSE"`): a unique `username_key`
 * column (migration 010). Your own table has no such column: names compare as its
 * database's `lower()` or collation does (so `"straße"` and `"STRASSE"` stay two names), and
 * it needs a case-insensitive unique index to be safe from two sign-ups in the same
 * instant, and to keep the case-insensitive lookup of login and sign-up on an index:
 * - PostgreSQL / SQLite: `create unique index accounts_login_lower_idx on accounts (lower(login))`
 *   (on SQLite `lower()` folds ASCII letters only: the library itself still refuses
 *   `"jürgen"` next to `"Jürgen"`);
 * - MySQL / MariaDB: a case-insensitive collation on the column (`utf8mb4_unicode_ci`,
 *   `utf8mb4_general_ci`, MySQL 8's default `utf8mb4_0900_ai_ci`), with its unique index.
 * Without it the library still refuses such duplicates when it checks, but cannot stop two
 * racing requests, and looks names up with a full scan on SQLite and PostgreSQL.
 *
 * @example
 * ```ts
 * // An app whose users table is `accounts(account_id, login, pw_hash, mail)`:
 * createGuestUsers({
 *   users: {
 *     table: "accounts",
 *     columns: { id: "account_id", username: "login", password: "pw_hash", email: "mail" },
 *   },
 * });
 * ```
 */
export interface UsersTableOptions {
  /**
   * The users table. When you name your own table, our migrations leave it alone and only
   * reference it (foreign keys with ON DELETE CASCADE from the guests and sessions tables).
   * @default "guest_user_users" (created by our migrations)
   */
  readonly table?: string;
  /** Column names in that table; each defaults to the built-in table's name. */
  readonly columns?: {
    /** @default "id" */
    readonly id?: string;
    /** @default "username" */
    readonly username?: string;
    /** The password hash; NULL means "no usable password", as for every guest. @default "password" */
    readonly password?: string;
    /** Optional: set to `null` if your table has no email column. @default "email" */
    readonly email?: string | null;
    /** Optional: milliseconds since the epoch. @default "created_at" */
    readonly createdAt?: string | null;
    /** Optional: milliseconds since the epoch. @default "last_login_at" */
    readonly lastLoginAt?: string | null;
    /**
     * Optional: the staff flag (who may use the guest admin by default; `guest-user staff
     * grant|revoke`, `guestUsers.setStaff()`): a `boolean` column on PostgreSQL, a boolean,
     * `tinyint(1)` or 0/1 integer column on SQLite, MySQL and MariaDB, NOT NULL.
     * The built-in table has it (migration 009); on your own table, unmapped means nobody
     * is staff (give the admin a `canAccess` of your own, or map your column here).
     * @default "is_staff" on the built-in table; null (nobody is staff) on your own table
     */
    readonly isStaff?: string | null;
  };
  /**
   * How ids come back to JavaScript: `"integer"` (auto-increment keys, returned as numbers)
   * or `"string"` (text or UUID keys that the database generates by default).
   * @default "integer"
   */
  readonly idType?: "integer" | "string";
  /**
   * SQL type of the `user_id` columns our tables add, which must match your id column
   * exactly on MySQL (`bigint`, `int unsigned`, `char(36)`...).
   * @default "bigint" for integer ids, "varchar(255)" for string ids ("integer" on SQLite)
   */
  readonly idColumnType?: string;
  /** The maximum length of the username column; generated guest names are cut to it. @default 150 */
  readonly usernameMaxLength?: number;
}

/** The tables, resolved: every name known, nothing optional left. */
export interface Tables {
  readonly users: {
    readonly table: string;
    /** True when our migrations create and own the users table. */
    readonly builtIn: boolean;
    readonly id: string;
    readonly username: string;
    readonly password: string;
    readonly email: string | null;
    readonly createdAt: string | null;
    readonly lastLoginAt: string | null;
    /** The staff flag's column; null when the app's own table has none (nobody is staff). */
    readonly isStaff: string | null;
    readonly idType: "integer" | "string";
    readonly idColumnType: string | null;
    readonly usernameMaxLength: number;
  };
  readonly sessions: string;
  readonly guests: string;
  /** Daily counters of the conversion funnel (created, converted, merged, deleted). */
  readonly funnel: string;
  /** Social-login identities (provider + the provider's user id) linked to users. */
  readonly identities: string;
  /** The terms-of-service version each user accepted, and when. */
  readonly termsAcceptances: string;
  /** One-time "continue on another device" links (hashed), until used or expired. */
  readonly continueLinks: string;
  readonly migrations: string;
  readonly migrationsLock: string;
}

/** Table name options: a prefix for the tables we own, and the users table. */
export interface TableOptions {
  /**
   * Prefix of the tables this library owns (`<prefix>sessions`, `<prefix>guests`,
   * `<prefix>funnel_days`, `<prefix>identities`, `<prefix>terms_acceptances`,
   * `<prefix>continue_links`,
   * `<prefix>migrations`, and `<prefix>users` when you use the built-in users).
   * @default "guest_user_"
   */
  readonly tablePrefix?: string;
  /** The users table; see {@link UsersTableOptions}. */
  readonly users?: UsersTableOptions;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const IDENTIFIER_EXPECTED =
  "a plain SQL identifier (letters, digits, underscore; at most 63 characters)";
const identifier = matching(IDENTIFIER, IDENTIFIER_EXPECTED);
/** The longest name after the prefix among our tables (PostgreSQL cuts identifiers at 63 bytes). */
const LONGEST_TABLE_SUFFIX = "terms_acceptances";
const optionalColumn = (name: string) => v.optional(v.nullable(identifier), name);

/** The schema of {@link TableOptions}: its entries are `createGuestUsers()`'s too. */
export const TABLE_OPTIONS = optionBag({
  tablePrefix: v.nullish(
    accepted<string>(
      (value) =>
        value === "" ||
        (IDENTIFIER.test(value as string) &&
          (value as string).length + LONGEST_TABLE_SUFFIX.length <= 63),
      `a plain SQL identifier (letters, digits, underscore) of at most ${63 - LONGEST_TABLE_SUFFIX.length} characters, so that every table name (the longest: \`<prefix>${LONGEST_TABLE_SUFFIX}\`) fits in 63`,
    ),
    "guest_user_",
  ),
  users: v.nullish(
    optionBag({
      table: v.optional(identifier),
      columns: v.nullish(
        optionBag({
          id: v.nullish(identifier, "id"),
          username: v.nullish(identifier, "username"),
          password: v.nullish(identifier, "password"),
          email: optionalColumn("email"),
          createdAt: optionalColumn("created_at"),
          lastLoginAt: optionalColumn("last_login_at"),
          isStaff: v.optional(v.nullable(identifier)),
        } satisfies EntriesOf<NonNullable<UsersTableOptions["columns"]>>),
        {},
      ),
      idType: v.nullish(oneOf("integer", "string"), "integer"),
      idColumnType: orNull(
        matching(/^[A-Za-z][A-Za-z0-9_ (),]*$/, 'an SQL type such as "bigint" or "char(36)"'),
      ),
      usernameMaxLength: v.nullish(integerFrom(8, 255), 150),
    } satisfies EntriesOf<UsersTableOptions>),
    {},
  ),
} satisfies EntriesOf<TableOptions>);

/**
 * The table names from the checked table options: the users table (ours, `<prefix>users`,
 * unless named) and every table this library owns.
 *
 * @example
 * ```ts
 * resolveTables(parseOptions(TABLE_OPTIONS, { tablePrefix: "app_" }, "example()")).sessions; // "app_sessions"
 * ```
 */
export function resolveTables({
  tablePrefix: prefix,
  users,
}: v.InferOutput<typeof TABLE_OPTIONS>): Tables {
  const { columns } = users;
  const builtIn = users.table === undefined;
  return {
    users: {
      ...columns,
      table: users.table ?? `${prefix}users`,
      builtIn,
      isStaff: columns.isStaff !== undefined ? columns.isStaff : builtIn ? "is_staff" : null,
      idType: users.idType,
      idColumnType: users.idColumnType ?? null,
      usernameMaxLength: users.usernameMaxLength,
    },
    sessions: `${prefix}sessions`,
    guests: `${prefix}guests`,
    funnel: `${prefix}funnel_days`,
    identities: `${prefix}identities`,
    termsAcceptances: `${prefix}terms_acceptances`,
    continueLinks: `${prefix}continue_links`,
    migrations: `${prefix}migrations`,
    migrationsLock: `${prefix}migrations_lock`,
  };
}
