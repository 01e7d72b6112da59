/**
 * The Better Auth server of the comparison: Better Auth 1.x with `anonymous()` (and
 * email/password, to seed a registered user) on a plain node:http server through
 * `toNodeHandler`, its migrations run programmatically. SQLite gets the pragmas our dialect
 * sets (WAL, synchronous=NORMAL), so both libraries write to the same kind of database;
 * PostgreSQL and MariaDB get pools of 10 connections, as ours.
 */
import type { RequestListener } from "node:http";
import type { DatabaseTarget } from "./databases.ts";
import { closeNode, HOST, listenNode, portOf, type RunningApp } from "./node-listen.ts";

/** Better Auth's `database` option for `target`, and how to close it. */
async function betterAuthDatabase(target: DatabaseTarget) {
  if (target.kind === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(target.location);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("busy_timeout = 5000");
    return { database: sqlite, close: async () => void sqlite.close() };
  }
  if (target.kind === "postgres") {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: target.location, max: 10 });
    return { database: pool, close: () => pool.end() };
  }
  // A mysql2 pool passed as is is not understood by Better Auth's Kysely adapter (it builds
  // `new MysqlDialect(pool)`): give it a Kysely instance, as its own test utilities do.
  const { Kysely, MysqlDialect } = await import("kysely");
  const { createPool } = await import("mysql2");
  const pool = createPool({ uri: target.location, connectionLimit: 10 });
  const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) });
  return { database: { db, type: "mysql" as const }, close: () => db.destroy() };
}

/** Starts Better Auth on 127.0.0.1 and a free port, on the bench database `target`. */
export async function betterAuthApp(target: DatabaseTarget, secret: string): Promise<RunningApp> {
  const { betterAuth } = await import("better-auth");
  const { anonymous } = await import("better-auth/plugins");
  const { toNodeHandler } = await import("better-auth/node");
  const { getMigrations } = await import("better-auth/db/migration");
  const driver = await betterAuthDatabase(target);
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = await listenNode((req, res) => handler(req, res));
  const port = portOf(server);
  const options = {
    database: driver.database,
    secret,
    baseURL: `http://${HOST}:${port}`,
    emailAndPassword: { enabled: true },
    plugins: [anonymous()],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  handler = toNodeHandler(auth);
  return {
    port,
    async close() {
      await closeNode(server);
      await driver.close();
    },
  };
}
