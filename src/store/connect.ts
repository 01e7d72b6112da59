import { Kysely } from "kysely";
import { InvalidConfigError } from "../core/errors.ts";
import { type Db, type DialectName, type DialectQuirks, dialectOf } from "./dialect.ts";
import { mysqlDatabase, mysqlQuirks } from "./dialects/mysql.ts";
import { postgresDatabase, postgresQuirks } from "./dialects/postgres.ts";
import { sqliteDatabase, sqliteQuirks } from "./dialects/sqlite.ts";

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
}

/** The default database: a SQLite file in the working directory. */
export const DEFAULT_DATABASE = "sqlite:guest-user.sqlite3";

const QUIRKS: Record<DialectName, DialectQuirks> = {
  sqlite: sqliteQuirks,
  postgres: postgresQuirks,
  mysql: mysqlQuirks,
};

/**
 * Opens (lazily: nothing connects until the first query) the database described by `source`.
 * Throws {@link InvalidConfigError} for a source it cannot understand.
 *
 * @example
 * ```ts
 * const { db, quirks } = openDatabase("postgres://localhost/app");
 * ```
 */
export function openDatabase(source: DatabaseSource = DEFAULT_DATABASE): Connection {
  if (typeof source === "string") return openUrl(source);
  if (source instanceof Kysely) {
    const db = source as Db;
    return { db, quirks: QUIRKS[dialectOf(db)], owned: false };
  }
  const driver = source as Record<string, unknown>;
  if (typeof driver.prepare === "function" && typeof driver.pragma === "function") {
    return {
      db: sqliteDatabase(source as Parameters<typeof sqliteDatabase>[0]),
      quirks: sqliteQuirks,
      owned: false,
    };
  }
  if (typeof driver.getConnection === "function" || isPromisePool(driver)) {
    return {
      db: mysqlDatabase(source as Parameters<typeof mysqlDatabase>[0]),
      quirks: mysqlQuirks,
      owned: false,
    };
  }
  if (typeof driver.connect === "function" && typeof driver.query === "function") {
    return {
      db: postgresDatabase(source as Parameters<typeof postgresDatabase>[0]),
      quirks: postgresQuirks,
      owned: false,
    };
  }
  throw new InvalidConfigError(
    "database",
    "expected a connection URL, a pg Pool, a better-sqlite3 Database, a mysql2 pool or a Kysely instance",
  );
}

function isPromisePool(driver: Record<string, unknown>): boolean {
  const inner = driver.pool as Record<string, unknown> | undefined;
  return typeof inner === "object" && inner !== null && typeof inner.getConnection === "function";
}

function openUrl(url: string): Connection {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "sqlite":
    case "file": {
      const path = url.slice(scheme.length + 1).replace(/^\/\//, "");
      if (path === "")
        throw new InvalidConfigError(
          "database",
          `the SQLite URL ${JSON.stringify(url)} names no file: use sqlite:<path> or sqlite::memory:`,
        );
      return { db: sqliteDatabase(path), quirks: sqliteQuirks, owned: true };
    }
    case "postgres":
    case "postgresql":
      return { db: postgresDatabase(url), quirks: postgresQuirks, owned: true };
    case "mysql":
    case "mariadb":
      return {
        db: mysqlDatabase(url.replace(/^mariadb:/i, "mysql:")),
        quirks: mysqlQuirks,
        owned: true,
      };
    default:
      throw new InvalidConfigError(
        "database",
        `unsupported URL ${JSON.stringify(redact(url))}: use sqlite:<path>, sqlite::memory:, postgres://... or mysql://...`,
      );
  }
}

/** Hides a password in a URL before it goes into an error message. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}
