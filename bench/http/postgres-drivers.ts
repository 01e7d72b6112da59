/**
 * The two PostgreSQL drivers compared by `postgres-driver.ts`: node-postgres (`pg`, what
 * guest-user uses) and porsager's `postgres` (postgres.js), each as floor (a) (the hot path's
 * session lookup alone, on the bare driver, prepared) and as guest-user (`validateSession()`;
 * postgres.js through a Kysely instance on kysely-postgres-js's `PostgresJSDialect`).
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import type { PostgresJSDialectConfig } from "kysely-postgres-js";
import type { Sql } from "postgres";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import { preparedStatementName } from "../../src/store/prepared-statements.ts";
import { sessionQueries } from "../../src/store/session-store.ts";

/**
 * The drivers: pg; postgres.js; and (guest-user only) postgres.js with guest-user's marked hot
 * statements prepared by a `reserve()` wrapper ({@link preparingSql}): kysely-postgres-js runs
 * every query through `unsafe()`, which postgres.js never prepares unless asked.
 */
export type PostgresDriverName = "pg" | "postgres.js" | "postgres.js, prepared";

/** What is measured on a driver: the lookup alone, or guest-user's `validateSession()`. */
export type DriverLayer = "floor" | "ours";

/** The connections each driver keeps (pg's Pool `max`, postgres.js's `max`: both default 10). */
export const POOL_SIZE = 10;

/** A row of the lookup, as the floor servers answer it. */
export interface LookupRow {
  readonly id: unknown;
  readonly username: unknown;
  readonly isGuest: boolean;
}

/** One driver at one layer, opened: `run(token)` does what a returning guest's request does. */
export interface OpenedDriver {
  readonly driver: PostgresDriverName;
  readonly layer: DriverLayer;
  /** The lookup's row (floor) or the validated user (ours); null when the session is unknown. */
  run(token: string): Promise<LookupRow | null>;
  /** Layer "ours": the guest-user instance (the HTTP servers mount its Hono adapter). */
  readonly guestUsers?: GuestUsers;
  close(): Promise<void>;
}

/** The same settings everywhere, so both drivers compile the same lookup text. */
export const BENCH_OPTIONS = {
  secret: "bench-secret-bench-secret-bench-secret!",
  logger: { warn() {}, error() {} },
} as const;

/**
 * The exact SQL text of guest-user's session lookup for these settings, as `validateSession()`
 * sends it (compiled by `sessionQueries().lookup` on a Kysely instance that never connects),
 * and the name it runs under as a pg named statement (`preparedStatementName`).
 */
export async function lookupStatement(
  guestUsers: GuestUsers,
): Promise<{ text: string; name: string }> {
  let text = "";
  const compiler = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      text = event.query.sql;
    },
  });
  const { tables, retention } = guestUsers.settings;
  await sessionQueries(tables, retention.keepIf).lookup(compiler, "");
  await compiler.destroy();
  const name = preparedStatementName(text);
  if (!name) throw new Error("the lookup is not marked as a prepared statement");
  return { text, name };
}

/** The session id of a token (`<id>.<secret>`). */
const sessionIdOf = (token: string) => token.split(".")[0] as string;

type Row = Record<string, unknown>;
const toLookupRow = (row: Row | undefined): LookupRow | null =>
  row
    ? {
        id: row.id,
        username: row.username,
        isGuest: row.guest_user_id !== null,
      }
    : null;

/** Floor (a) on pg: the lookup as a named statement on a bare Pool of POOL_SIZE. */
async function floorPg(url: string, text: string, name: string): Promise<OpenedDriver> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  return {
    driver: "pg",
    layer: "floor",
    async run(token) {
      const { rows } = await pool.query<Row>({ name, text, values: [sessionIdOf(token)] });
      return toLookupRow(rows[0]);
    },
    close: () => pool.end(),
  };
}

/** postgres.js's client (`max` POOL_SIZE; its default `prepare: true` covers tagged queries). */
async function postgresJs(url: string) {
  const { default: postgres } = await import("postgres");
  return postgres(url, { max: POOL_SIZE, onnotice: () => {} });
}

/**
 * Floor (a) on postgres.js: the same text through `sql.unsafe()` with `prepare: true` (what its
 * tagged templates do by default; `unsafe()` defaults to unprepared).
 */
async function floorPostgresJs(url: string, text: string): Promise<OpenedDriver> {
  const sql = await postgresJs(url);
  return {
    driver: "postgres.js",
    layer: "floor",
    async run(token) {
      const rows = await sql.unsafe<Row[]>(text, [sessionIdOf(token)], { prepare: true });
      return toLookupRow(rows[0]);
    },
    close: () => sql.end(),
  };
}

type PostgresJSSource = PostgresJSDialectConfig["postgres"];

/**
 * What guest-user would need for postgres.js (the counterpart of `preparedStatementPool()` for
 * pg): a postgres.js client for PostgresJSDialect whose reserved connections run guest-user's
 * marked hot statements (`preparedStatementName()`) with `prepare: true`, all else as before.
 */
function preparingSql(sql: Sql): PostgresJSSource {
  const client = {
    end: () => sql.end(),
    async reserve() {
      const reserved = await sql.reserve();
      return {
        release: () => reserved.release(),
        unsafe: (query: string, parameters?: unknown[], options?: object) =>
          reserved.unsafe(query, parameters as never, {
            prepare: preparedStatementName(query) !== undefined,
            ...options,
          }),
      };
    },
  };
  return () => client; // a factory: the dialect takes only a function with `reserve` as a client
}

/** guest-user as an app opens it: a URL (pg), or its own Kysely on PostgresJSDialect. */
async function ours(url: string, driver: PostgresDriverName): Promise<OpenedDriver> {
  let kysely: Kysely<unknown> | null = null;
  if (driver !== "pg") {
    const { PostgresJSDialect } = await import("kysely-postgres-js");
    const sql = await postgresJs(url);
    const postgres = driver === "postgres.js" ? sql : preparingSql(sql);
    kysely = new Kysely<unknown>({ dialect: new PostgresJSDialect({ postgres }) });
  }
  const guestUsers = createGuestUsers({ database: kysely ?? url, ...BENCH_OPTIONS });
  return {
    driver,
    layer: "ours",
    guestUsers,
    async run(token) {
      const found = await guestUsers.validateSession(token);
      return found
        ? { id: found.user.id, username: found.user.username, isGuest: found.user.isGuest }
        : null;
    },
    async close() {
      await guestUsers.close();
      await kysely?.destroy(); // the app's instance: guest-user leaves it open
    },
  };
}

/**
 * Opens `driver` at `layer` on the database `url` (guest-user's tables migrated); `probe` is a
 * guest-user instance on the same settings (for the lookup's text).
 */
export async function openDriver(
  url: string,
  driver: PostgresDriverName,
  layer: DriverLayer,
  probe: GuestUsers,
): Promise<OpenedDriver> {
  if (layer === "ours") return ours(url, driver);
  const { text, name } = await lookupStatement(probe);
  return driver === "pg" ? floorPg(url, text, name) : floorPostgresJs(url, text);
}

/** The combinations, in the order they are measured. */
export const COMBINATIONS: readonly { driver: PostgresDriverName; layer: DriverLayer }[] = [
  { driver: "pg", layer: "floor" },
  { driver: "postgres.js", layer: "floor" },
  { driver: "pg", layer: "ours" },
  { driver: "postgres.js", layer: "ours" },
  { driver: "postgres.js, prepared", layer: "ours" },
];

/** A guest-user instance on `url` (pg) that migrates and makes returning guests' tokens. */
export function openProbe(url: string): GuestUsers {
  return createGuestUsers({ database: url, ...BENCH_OPTIONS });
}
