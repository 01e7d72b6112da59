import { Kysely } from "kysely";
import { InvalidConfigError } from "../shared/errors.ts";
import { hideCredentials } from "../shared/hide-credentials.ts";
import { sqlitePathOf } from "../shared/sqlite-path.ts";
import { type Db, type DialectName, type DialectQuirks, dialectOf } from "./dialect.ts";
import { type MysqlPoolSource, mysqlDatabase, mysqlQuirks } from "./dialects/mysql.ts";
import {
  type PostgresDatabaseOptions,
  postgresDatabase,
  postgresQuirks,
} from "./dialects/postgres.ts";
import { sqliteDatabase, sqliteQuirks } from "./dialects/sqlite.ts";
import { guardOuterQueries } from "./outer-queries.ts";

/**
 * Where the data lives. One of:
 * - a connection URL: `sqlite:<path>`, `sqlite::memory:`, `postgres://...`, `mysql://...`
 *   (also `postgresql://`, `mariadb://`);
 * - a driver object: a `pg` Pool, a better-sqlite3 Database, a mysql2 pool;
 * - a Kysely instance you already use (SQLite, PostgreSQL or MySQL dialect).
 *
 * Drivers are loaded only when needed, so install only yours.
 * @default "sqlite:guest-user.sqlite3" (a file in the working directory)
 */
export type DatabaseSource = string | object;

/** An open database and what we know of it. */
export interface Connection {
  readonly db: Db;
  readonly quirks: DialectQuirks;
  /** True when we opened it and so must close it; false for the app's own pool or Kysely. */
  readonly owned: boolean;
  /** PostgreSQL only: the URL or the app's `pg` Pool it came from (for a LISTEN connection). */
  readonly postgresSource?: string | object;
}

/** How pools we wrap behave (PostgreSQL, MySQL): see `preparedStatements` of createGuestUsers(). */
export type DriverOptions = Omit<PostgresDatabaseOptions, "max">;

/** The default database: a SQLite file in the working directory. */
export const DEFAULT_DATABASE = "sqlite:guest-user.sqlite3";

const QUIRKS: Record<DialectName, DialectQuirks> = {
  sqlite: sqliteQuirks,
  postgres: postgresQuirks,
  mysql: mysqlQuirks,
};

/**
 * The differences of the database called `dialect`.
 * @example
 * ```ts
 * const tryLock = databaseLock(db, dialectQuirks("postgres"), tables, "cleanup");
 * ```
 */
export function dialectQuirks(dialect: DialectName): DialectQuirks {
  return QUIRKS[dialect];
}

/**
 * Opens (lazily: nothing connects until the first query) the database described by `source`.
 * Throws {@link InvalidConfigError} for a source it cannot understand.
 *
 * @example
 * ```ts
 * const { db, quirks } = openDatabase("postgres://localhost/app");
 * ```
 */
export function openDatabase(
  source: DatabaseSource = DEFAULT_DATABASE,
  options: DriverOptions = {},
): Connection {
  // We opened a URL ourselves; a driver object or a Kysely instance is the app's.
  const connection = { ...open(source, options), owned: typeof source === "string" };
  guardOuterQueries(connection.db);
  return connection;
}

type Opened = Omit<Connection, "owned">;
type SqliteSource = Parameters<typeof sqliteDatabase>[0];

function open(source: DatabaseSource, options: DriverOptions): Opened {
  if (typeof source === "string") return openUrl(source, options);
  if (source instanceof Kysely) return { db: source, quirks: QUIRKS[dialectOf(source)] };
  const driver = source as Record<string, unknown>;
  if (typeof driver.prepare === "function" && typeof driver.pragma === "function")
    return { db: sqliteDatabase(source as SqliteSource), quirks: sqliteQuirks };
  // A mysql2 pool, or its promise wrapper (the callback pool in `.pool`).
  const inner = typeof driver.pool === "object" ? (driver.pool as Record<string, unknown>) : null;
  if (typeof driver.getConnection === "function" || typeof inner?.getConnection === "function")
    return { db: mysqlDatabase(source as MysqlPoolSource, options), quirks: mysqlQuirks };
  if (typeof driver.connect === "function" && typeof driver.query === "function") {
    const db = postgresDatabase(source as Parameters<typeof postgresDatabase>[0], options);
    return { db, quirks: postgresQuirks, postgresSource: source };
  }
  throw new InvalidConfigError(
    "database",
    "expected a connection URL, a pg Pool, a better-sqlite3 Database, a mysql2 pool or a Kysely instance",
  );
}

function openUrl(url: string, options: DriverOptions): Opened {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "sqlite":
    case "file": {
      const path = sqlitePathOf(url);
      if (!path)
        throw new InvalidConfigError(
          "database",
          `the SQLite URL ${JSON.stringify(url)} names no file: use sqlite:<path> or sqlite::memory:`,
        );
      return { db: sqliteDatabase(path), quirks: sqliteQuirks };
    }
    case "postgres":
    case "postgresql":
      return { db: postgresDatabase(url, options), quirks: postgresQuirks, postgresSource: url };
    case "mysql":
    case "mariadb":
      return {
        db: mysqlDatabase(url.replace(/^mariadb:/i, "mysql:"), options),
        quirks: mysqlQuirks,
      };
    default:
      throw new InvalidConfigError(
        "database",
        `unsupported URL ${JSON.stringify(hideCredentials(url))}: use sqlite:<path>, sqlite::memory:, postgres://... or mysql://...`,
      );
  }
}
