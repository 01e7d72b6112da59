/**
 * The statements guest-user sends to the database on the hot paths, captured from the library
 * itself (never copied by hand), for the floors: the same texts run on the bare driver.
 *
 * A scratch guest-user instance on the bench database, with a Kysely `log` hook, makes one
 * guest (`createGuestSession()`) and looks it up once (`validateSession()`); the texts of
 * those queries are the floors' statements. Whether guest-user runs a text as a prepared
 * statement (pg's named statements, mysql2's `execute`) is read from the library too.
 */
import {
  type CompiledQuery,
  Kysely,
  type LogEvent,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
} from "kysely";
import { createGuestUsers } from "../../src/index.ts";
import { preparedStatementName } from "../../src/store/prepared-statements.ts";
import type { DatabaseTarget } from "./databases.ts";

/** One statement as guest-user ran it. */
export interface CapturedStatement {
  readonly text: string;
  /** The values of the captured run (the floors bind fresh ones in the same places). */
  readonly parameters: readonly unknown[];
  /** pg's statement name / mysql2 `execute`; undefined: run as a plain query. */
  readonly preparedName: string | undefined;
}

/** What the floors replay: the session lookup, and a first visit's writes in order. */
export interface HotStatements {
  /** The returning visitor's ONE query (floor (a)). */
  readonly lookup: CapturedStatement;
  /**
   * A guest's first visit (floor (b)): PostgreSQL one statement; SQLite and MariaDB the
   * statements between `begin` and `commit` (those two left out: the floor runs its own).
   */
  readonly firstVisit: readonly CapturedStatement[];
}

const CONTROL = /^\s*(begin|start transaction|commit|rollback)\b/i;

/** A Kysely instance on `target` whose every query lands in `queries`. */
async function recordingKysely(target: DatabaseTarget, queries: CompiledQuery[]) {
  const log = (event: LogEvent) => {
    if (event.level === "query") queries.push(event.query);
  };
  if (target.kind === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const database = new Database(target.location);
    database.pragma("busy_timeout = 5000");
    return new Kysely<unknown>({ dialect: new SqliteDialect({ database }), log });
  }
  if (target.kind === "postgres") {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: target.location, max: 1 });
    return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }), log });
  }
  const { createPool } = await import("mysql2");
  const pool = createPool({ uri: target.location, connectionLimit: 1, supportBigNumbers: true });
  return new Kysely<unknown>({ dialect: new MysqlDialect({ pool }), log });
}

const captured = (query: CompiledQuery): CapturedStatement => ({
  text: query.sql,
  parameters: query.parameters,
  preparedName: preparedStatementName(query.sql),
});

/**
 * The hot statements of guest-user on `target` (migrated already), as it runs them today.
 * Leaves one guest behind in the database (made before any measured run).
 */
export async function captureHotStatements(target: DatabaseTarget): Promise<HotStatements> {
  const queries: CompiledQuery[] = [];
  const db = await recordingKysely(target, queries);
  const guestUsers = createGuestUsers({
    database: db,
    secret: "bench-capture-bench-capture-bench-capture",
    logger: { warn() {}, error() {} },
  });
  try {
    const { session } = await guestUsers.createGuestSession();
    const firstVisit = queries.splice(0).filter((query) => !CONTROL.test(query.sql));
    await guestUsers.validateSession(session.token);
    const [lookup, ...more] = queries.splice(0);
    if (!lookup || more.length > 0 || firstVisit.length === 0)
      throw new Error(
        `unexpected hot path: ${firstVisit.length} first-visit statement(s), lookup + ${more.length} more`,
      );
    return { lookup: captured(lookup), firstVisit: firstVisit.map(captured) };
  } finally {
    await guestUsers.close();
    await db.destroy();
  }
}
