/**
 * The database factories refuse a wrong option value before anything connects, with
 * INVALID_CONFIG naming the option and what it expects (a logger shown by its kind only), and
 * the values they take work on a real PostgreSQL and MariaDB/MySQL.
 * (core/unknown-call-options.test.ts: the keys they do not know.)
 */
import { sql } from "kysely";
import mysql from "mysql2";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { mysqlDatabase, preparedStatementMysqlPool } from "../../src/store/dialects/mysql.ts";
import { postgresDatabase, preparedStatementPool } from "../../src/store/dialects/postgres.ts";
import { availableDialects, endsQuietly, isolatedDatabase } from "../support/databases.ts";

/** The message of the INVALID_CONFIG error `start` throws (fails the test when none). */
function refusal(start: () => unknown): string {
  try {
    start();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error("no error");
}

const FACTORIES = {
  postgres: { name: "postgresDatabase()", open: postgresDatabase },
  mysql: { name: "mysqlDatabase()", open: mysqlDatabase },
} as const;

describe.each(
  (["postgres", "mysql"] as const).filter((dialect) => availableDialects().includes(dialect)),
)("option values of the %s factory", (dialect) => {
  const { open } = FACTORIES[dialect];

  it("refuses a wrong value, and opens with the right ones", async () => {
    const database = await isolatedDatabase(dialect);
    try {
      expect(refusal(() => open(database.url, { max: 0 }))).toBe(
        "Invalid option `max`: expected a whole number of at least 1, got 0",
      );
      expect(refusal(() => open(database.url, { preparedStatements: "yes" } as never))).toBe(
        'Invalid option `preparedStatements`: expected true or false, got "yes"',
      );
      expect(refusal(() => open(database.url, { logger: console.warn } as never))).toBe(
        "Invalid option `logger`: expected a logger with a warn() method, got a function",
      );
      const warnings: string[] = [];
      const db = open(database.url, {
        max: 1,
        preparedStatements: true,
        logger: { warn: (message) => warnings.push(message) },
      });
      try {
        const { rows } = await sql<{ n: number }>`select 1 as n`.execute(db);
        expect(Number(rows[0]?.n)).toBe(1);
      } finally {
        await db.destroy();
      }
      expect(warnings).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});

describe("option values of the prepared-statement pools", () => {
  it("refuse a logger without warn() before wrapping the app's pool", async () => {
    // Real driver pools: neither connects before its first query, and none is made here.
    const pgPool = endsQuietly(new pg.Pool({ connectionString: "postgres://127.0.0.1:5432/test" }));
    const mysqlPool = mysql.createPool({ uri: "mysql://root@127.0.0.1:3306/test" });
    try {
      expect(refusal(() => preparedStatementPool(pgPool, { logger: {} } as never))).toBe(
        "Invalid option `logger`: expected a logger with a warn() method, got an object",
      );
      expect(refusal(() => preparedStatementMysqlPool(mysqlPool, { logger: null } as never))).toBe(
        "Invalid option `logger`: expected a logger with a warn() method, got null",
      );
    } finally {
      await pgPool.end();
      await new Promise((resolve) => mysqlPool.end(resolve));
    }
  });
});
