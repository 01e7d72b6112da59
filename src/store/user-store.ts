import { type RawBuilder, sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import type { Db, DialectQuirks } from "./dialect.ts";
import type { Tables } from "./tables.ts";
import { normalizeUsername, USERNAME_KEY_COLUMN, usernameKey } from "./username-case.ts";

/** A users row, in the library's words, whatever the app's column names. */
export interface UserRow {
  readonly id: UserId;
  readonly username: string;
  readonly email: string | null;
  /** NULL for guests: no password can match. */
  readonly passwordHash: string | null;
  readonly createdAt: number | null;
  readonly lastLoginAt: number | null;
  /** The staff flag; false when the app's own table maps no such column. */
  readonly isStaff: boolean;
}

/** The user fields the library writes. */
export interface NewUser {
  readonly username: string;
  readonly passwordHash: string | null;
  readonly email: string | null;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/**
 * The few user operations the library needs. The default, `tableUserStore()`, works on the
 * configured users table; implement your own to fill columns we do not know of (say a NOT NULL
 * `role`), spreading the default for the rest. Every method gets the transaction to run in,
 * so a user row and its guest row are always written together.
 *
 * @example
 * ```ts
 * const defaults = tableUserStore(tables, quirks);
 * const userStore: UserStore = {
 *   ...defaults,
 *   insertUser: async (db, user) => {
 *     const id = await defaults.insertUser(db, user);
 *     await sql`update accounts set role = 'guest' where account_id = ${id}`.execute(db);
 *     return id;
 *   },
 * };
 * ```
 */
export interface UserStore {
  /** Inserts a user and returns its id; lets the driver's unique violation through on a clash. */
  insertUser(db: Db, user: NewUser): Promise<UserId>;
  findById(db: Db, id: UserId): Promise<UserRow | undefined>;
  /**
   * The user with this username compared WITHOUT regard to case or NFKC form (`"ADA"`,
   * `"ＡＤＡ"` and `"ada"` find the same user; on the built-in table with full case folding,
   * `"STRASSE"` finds `"straße"`); login and the "username taken" check rely on it. When
   * several rows match (only possible in a table without a case-insensitive unique index),
   * the one spelled exactly as given wins.
   */
  findByUsername(db: Db, username: string): Promise<UserRow | undefined>;
  /** Sets the username, the password hash and (when given) the email of one user. */
  setCredentials(db: Db, id: UserId, credentials: Omit<NewUser, "now">): Promise<void>;
  /** Records a password login. */
  recordLogin(db: Db, id: UserId, now: number): Promise<void>;
  /** Deletes one user (a merged guest); rows with ON DELETE CASCADE go too. */
  deleteUser(db: Db, id: UserId): Promise<void>;
}

/** Turns what a driver returns for an id or a time (bigint as string on pg) into JavaScript. */
export function toUserId(value: unknown, idType: "integer" | "string"): UserId {
  return idType === "integer" ? Number(value) : String(value);
}

/** Milliseconds from an integer column, or null. */
export function toMillis(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * A flag column's true values: PostgreSQL answers `true`/`false`, SQLite and MySQL/MariaDB
 * 0/1 (a number, a bigint, or a string for some column types); NULL is false.
 */
const FLAG_ON: readonly unknown[] = [true, 1, 1n, "1", "t"];

/** `alias.col as name` for each user column, NULL for the ones the app's table lacks. */
export function userColumns(tables: Tables, alias: string): RawBuilder<unknown> {
  const { users } = tables;
  const column = (name: string | null, as: string) =>
    name === null
      ? sql`null as ${sql.ref(as)}`
      : sql`${sql.ref(`${alias}.${name}`)} as ${sql.ref(as)}`;
  return sql.join([
    column(users.id, "id"),
    column(users.username, "username"),
    column(users.email, "email"),
    column(users.password, "password_hash"),
    column(users.createdAt, "created_at"),
    column(users.lastLoginAt, "last_login_at"),
    column(users.isStaff, "is_staff"),
  ]);
}

/** The raw shape {@link userColumns} selects. */
export interface RawUserColumns {
  id: unknown;
  username: string;
  email: string | null;
  password_hash: string | null;
  created_at: unknown;
  last_login_at: unknown;
  is_staff: unknown;
}

/** Maps the raw columns to a {@link UserRow}. */
export function toUserRow(raw: RawUserColumns, tables: Tables): UserRow {
  return {
    id: toUserId(raw.id, tables.users.idType),
    username: raw.username,
    email: raw.email ?? null,
    passwordHash: raw.password_hash ?? null,
    createdAt: toMillis(raw.created_at),
    lastLoginAt: toMillis(raw.last_login_at),
    isStaff: FLAG_ON.includes(raw.is_staff),
  };
}

/** The default {@link UserStore}: plain statements on the configured users table. */
export function tableUserStore(tables: Tables, quirks: DialectQuirks): UserStore {
  const { users } = tables;
  const table = sql.table(users.table);
  const select = async (db: Db, where: RawBuilder<unknown>) => {
    const { rows } = await sql<RawUserColumns>`select ${userColumns(tables, "u")} from ${table} as u
      where ${where}`.execute(db);
    return rows.map((row) => toUserRow(row, tables));
  };
  const find = async (db: Db, column: string, value: UserId) =>
    (await select(db, sql`${sql.ref(`u.${column}`)} = ${value}`))[0];
  // The built-in table keeps each name's folded key (migration 010); an app's table has none.
  const keyColumn = users.builtIn ? USERNAME_KEY_COLUMN : null;
  const update = async (db: Db, id: UserId, set: RawBuilder<unknown>) => {
    await sql`update ${table} set ${set} where ${sql.ref(users.id)} = ${id}`.execute(db);
  };
  const assignments = (credentials: Omit<NewUser, "now">) => {
    const set = [
      sql`${sql.ref(users.username)} = ${credentials.username}`,
      sql`${sql.ref(users.password)} = ${credentials.passwordHash}`,
    ];
    if (keyColumn) set.push(sql`${sql.ref(keyColumn)} = ${usernameKey(credentials.username)}`);
    if (users.email && credentials.email !== null)
      set.push(sql`${sql.ref(users.email)} = ${credentials.email}`);
    return sql.join(set);
  };

  return {
    async insertUser(db, user) {
      const fields: [string | null, unknown][] = [
        [users.username, user.username],
        [keyColumn, usernameKey(user.username)],
        [users.password, user.passwordHash],
        [users.email, user.email],
        [users.createdAt, user.now],
      ];
      const present = fields.filter((field): field is [string, unknown] => field[0] !== null);
      const columns = sql.join(present.map(([column]) => sql.ref(column)));
      const insert = sql`insert into ${table} (${columns}) values (${sql.join(present.map(([, value]) => value))})`;
      const inserted = await quirks.insertReturningId(db, insert, users.id);
      if ("returned" in inserted) return toUserId(inserted.returned, users.idType);
      if (users.idType === "integer" && inserted.autoIncrement !== undefined)
        return Number(inserted.autoIncrement);
      return (await find(db, users.username, user.username))?.id ?? 0;
    },
    findById: (db, id) => find(db, users.id, id),
    // Without regard to case, on an index: the built-in table by its unique `username_key`
    // (full case folding, every database), an app's table as `quirks.usernames` compares.
    async findByUsername(db, username) {
      const where = keyColumn
        ? sql`${sql.ref(`u.${keyColumn}`)} = ${usernameKey(username)}`
        : quirks.usernames.equals(sql.ref(`u.${users.username}`), username);
      // Keep the rows whose key is ours (see DialectUsernames), the exact spelling first.
      const key = usernameKey(username);
      const exact = normalizeUsername(username);
      const same = (await select(db, where)).filter((row) => usernameKey(row.username) === key);
      return same.find((r) => r.username === exact) ?? same[0];
    },
    setCredentials: (db, id, credentials) => update(db, id, assignments(credentials)),
    async deleteUser(db, id) {
      await sql`delete from ${table} where ${sql.ref(users.id)} = ${id}`.execute(db);
    },
    async recordLogin(db, id, now) {
      if (users.lastLoginAt) await update(db, id, sql`${sql.ref(users.lastLoginAt)} = ${now}`);
    },
  };
}
