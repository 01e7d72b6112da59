import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";

/** The three databases the suite runs on. */
export type DialectName = "sqlite" | "postgres" | "mysql";

/** Admin URLs of the servers (a database we may create others from). */
export const SERVER_URLS = {
  postgres: process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  mysql: process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
} as const;

/** How to start a server that is down (printed when its tests are skipped). */
export const START_COMMANDS = {
  postgres: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  mysql: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
} as const;

declare module "vitest" {
  interface ProvidedContext {
    databases: DialectName[];
  }
}

/** The dialects whose servers answered in the global set-up (SQLite always). */
export function availableDialects(): DialectName[] {
  return inject("databases");
}

/** A database of its own for one test file: created on demand, dropped by `drop()`. */
export interface IsolatedDatabase {
  readonly dialect: DialectName;
  /** A URL our library (and the CLI) accepts. */
  readonly url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a fresh, empty database (a temp file for SQLite) that nothing else uses. */
export async function isolatedDatabase(dialect: DialectName): Promise<IsolatedDatabase> {
  const name = `gu_test_${randomBytes(6).toString("hex")}`;
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-"));
    return {
      dialect,
      url: `sqlite:${join(dir, "test.sqlite3")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (dialect === "postgres") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: SERVER_URLS.postgres });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return {
      dialect,
      url: withDatabase(SERVER_URLS.postgres, name),
      async drop() {
        const client = new pg.Client({ connectionString: SERVER_URLS.postgres });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const mysql = await import("mysql2/promise");
  const admin = await mysql.createConnection(SERVER_URLS.mysql);
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    dialect,
    url: withDatabase(SERVER_URLS.mysql, name),
    async drop() {
      const client = await mysql.createConnection(SERVER_URLS.mysql);
      await client.query(`drop database if exists ${name}`);
      await client.end();
    },
  };
}

/**
 * `pool`, with the errors of its idle clients ignored. pg-pool's `end()` resolves before its
 * clients' sockets have closed, and the test's database is then dropped `with (force)`: an
 * idle client still closing hears "terminating connection due to administrator command",
 * which a pool without an "error" listener throws as an uncaught exception.
 *
 * @example
 * ```ts
 * const pool = endsQuietly(new pg.Pool({ connectionString: database.url }));
 * ```
 */
export function endsQuietly<P extends { on(event: "error", listener: () => void): unknown }>(
  pool: P,
): P {
  pool.on("error", () => {});
  return pool;
}
