/**
 * The floors' database work on the bare drivers: guest-user's own statement texts (captured by
 * floor-statements.ts) through the same driver, pool size (10) and prepared-statement setting
 * as guest-user's defaults, and nothing else: no Kysely, no hashing, no checks.
 *   - lookup (floor (a)): the session lookup by id;
 *   - insertGuest (floor (b)): a first visit's writes with fresh values (PostgreSQL: the one
 *     statement; SQLite: one better-sqlite3 `db.transaction()`; MariaDB: begin, the
 *     statements, commit on one pooled connection).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { dayOf, randomShard } from "../../src/store/funnel-store.ts";
import type { DatabaseTarget } from "./databases.ts";
import type { CapturedStatement, HotStatements } from "./floor-statements.ts";

/** The user a floor answers with, shaped like the bench page's `user`. */
export interface FloorUser {
  readonly id: unknown;
  readonly username: string;
  readonly isGuest: boolean;
}

/** A floor's database side. */
export interface FloorDriver {
  /** The session lookup for session id `id`; null when no row. */
  lookup(id: string): Promise<FloorUser | null>;
  /** A new guest's rows; its user and the session cookie's value. */
  insertGuest(): Promise<{ user: FloorUser; token: string }>;
  close(): Promise<void>;
}

const POOL_SIZE = 10;
const MAX_AGE_MS = 14 * 86_400_000;

/** Fresh values for one first visit, as guest-user makes them. */
function freshGuest() {
  const now = Date.now();
  const username = randomUUID().replaceAll("-", "");
  const sessionId = randomBytes(16).toString("base64url");
  return {
    now,
    username,
    sessionId,
    secretHash: randomBytes(32).toString("hex"),
    token: `${sessionId}.${randomBytes(32).toString("base64url")}`,
    expiresAt: now + MAX_AGE_MS,
    day: dayOf(now),
    shard: randomShard(),
  };
}
type Fresh = ReturnType<typeof freshGuest>;

/**
 * The values of one first-visit statement, in guest-user's order (see postgres-guest-insert.ts,
 * user-store.ts, guest-store.ts, session-store.ts, funnel-store.ts). Checked against the
 * captured run: same count, nulls in the same places, or the bench stops (the library's
 * statements changed: update this function).
 */
function bind(kind: DatabaseTarget["kind"], s: CapturedStatement, v: Fresh, userId: unknown) {
  const { text } = s;
  let values: unknown[];
  if (kind === "postgres")
    values = [v.username, v.username, v.now, v.now, v.now, null, null, v.day, v.shard];
  else if (/_users\b/.test(text)) values = [v.username, v.username, null, null, v.now];
  else if (/_guests\b/.test(text)) values = [userId, v.now, v.now, null, null];
  else if (/_sessions\b/.test(text))
    values = [v.sessionId, v.secretHash, userId, v.now, v.expiresAt];
  else if (/_funnel_days\b/.test(text))
    values = [v.day, v.shard, 1, ...(kind === "mariadb" ? [1] : [])];
  else throw new Error(`floor: unknown first-visit statement ${text.slice(0, 80)}`);
  if (kind === "postgres") values.push(v.sessionId, v.secretHash, v.now, v.expiresAt);
  const nulls = (list: readonly unknown[]) => list.map((value) => value === null).join();
  if (values.length !== s.parameters.length || nulls(values) !== nulls(s.parameters))
    throw new Error(
      `floor: guest-user's statement changed (${s.parameters.length} values): update bind() in bench/http/floor-drivers.ts for ${text.slice(0, 80)}`,
    );
  return values;
}

type Row = Record<string, unknown>;
const toUser = (row: Row | undefined): FloorUser | null =>
  row
    ? {
        id: row.id,
        username: String(row.username),
        isGuest: row.guest_user_id !== null && row.guest_user_id !== undefined,
      }
    : null;

async function sqliteFloor(target: DatabaseTarget, hot: HotStatements): Promise<FloorDriver> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(target.location);
  // guest-user's pragmas on a file it opens (src/store/dialects/sqlite.ts).
  for (const pragma of [
    "journal_mode = WAL",
    "wal_autocheckpoint = 250",
    "busy_timeout = 5000",
    "foreign_keys = ON",
    "synchronous = NORMAL",
    "temp_store = MEMORY",
  ])
    db.pragma(pragma);
  const lookup = db.prepare(hot.lookup.text);
  const writes = hot.firstVisit.map((s) => ({ s, statement: db.prepare(s.text) }));
  const insert = db.transaction((v: Fresh) => {
    let userId: unknown = null;
    for (const { s, statement } of writes) {
      const values = bind("sqlite", s, v, userId);
      if (statement.reader) userId ??= (statement.get(values) as Row).id;
      else statement.run(values);
    }
    return userId;
  });
  return {
    lookup: async (id) => toUser(lookup.all(id)[0] as Row | undefined),
    async insertGuest() {
      const v = freshGuest();
      const id = insert(v);
      return { user: { id, username: v.username, isGuest: true }, token: v.token };
    },
    close: async () => void db.close(),
  };
}

async function postgresFloor(target: DatabaseTarget, hot: HotStatements): Promise<FloorDriver> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: target.location, max: POOL_SIZE });
  const run = (s: CapturedStatement, values: unknown[]) =>
    s.preparedName
      ? pool.query({ name: s.preparedName, text: s.text, values })
      : pool.query(s.text, values);
  const [write] = hot.firstVisit;
  if (!write || hot.firstVisit.length !== 1)
    throw new Error("floor: expected guest-user's one-statement first visit on PostgreSQL");
  return {
    lookup: async (id) => toUser((await run(hot.lookup, [id])).rows[0]),
    async insertGuest() {
      const v = freshGuest();
      const { rows } = await run(write, bind("postgres", write, v, null));
      return { user: { id: rows[0]?.id, username: v.username, isGuest: true }, token: v.token };
    },
    close: () => pool.end(),
  };
}

/** mysql2's callback connection, as Kysely's MysqlDialect uses it. */
interface MysqlConnection {
  query(sql: string, values: unknown[], callback: (e: unknown, r: unknown) => void): void;
  execute(sql: string, values: unknown[], callback: (e: unknown, r: unknown) => void): void;
  release(): void;
}

async function mariadbFloor(target: DatabaseTarget, hot: HotStatements): Promise<FloorDriver> {
  const { createPool } = await import("mysql2");
  // guest-user's pool from a URL (src/store/dialects/mysql.ts).
  const pool = createPool({
    uri: target.location,
    connectionLimit: POOL_SIZE,
    supportBigNumbers: true,
  });
  const connection = () =>
    new Promise<MysqlConnection>((resolve, reject) =>
      pool.getConnection((error, conn) =>
        error ? reject(error) : resolve(conn as unknown as MysqlConnection),
      ),
    );
  const run = (conn: MysqlConnection, s: CapturedStatement | string, values: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const done = (error: unknown, result: unknown) => (error ? reject(error) : resolve(result));
      if (typeof s === "string") conn.query(s, values, done);
      else if (s.preparedName) conn.execute(s.text, values, done);
      else conn.query(s.text, values, done);
    });
  return {
    async lookup(id) {
      const conn = await connection();
      try {
        return toUser(((await run(conn, hot.lookup, [id])) as Row[])[0]);
      } finally {
        conn.release();
      }
    },
    async insertGuest() {
      const v = freshGuest();
      const conn = await connection();
      try {
        await run(conn, "begin", []);
        let userId: unknown = null;
        for (const s of hot.firstVisit) {
          const result = (await run(conn, s, bind("mariadb", s, v, userId))) as {
            insertId?: number;
          };
          userId ??= result.insertId;
        }
        await run(conn, "commit", []);
        return { user: { id: userId, username: v.username, isGuest: true }, token: v.token };
      } catch (error) {
        await run(conn, "rollback", []).catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => new Promise<void>((resolve) => pool.end(() => resolve())),
  };
}

/** The bare-driver floor on `target` for the captured statements. */
export function openFloorDriver(target: DatabaseTarget, hot: HotStatements): Promise<FloorDriver> {
  if (target.kind === "sqlite") return sqliteFloor(target, hot);
  if (target.kind === "postgres") return postgresFloor(target, hot);
  return mariadbFloor(target, hot);
}
