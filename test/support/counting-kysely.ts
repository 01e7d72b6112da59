import Database from "better-sqlite3";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from "kysely";
import { createPool } from "mysql2";
import pg from "pg";
import { type DialectName, endsQuietly } from "./databases.ts";

/**
 * A Kysely instance on a test database that records the SQL of every query it runs, so a
 * test can tell how many round trips an operation made (`queries.length = 0` to start over).
 */
export function countingKysely(dialect: DialectName, url: string) {
  const queries: string[] = [];
  const log = (event: { query: { sql: string } }) => {
    queries.push(event.query.sql);
  };
  const kysely =
    dialect === "sqlite"
      ? new Kysely<unknown>({
          dialect: new SqliteDialect({ database: new Database(url.slice("sqlite:".length)) }),
          log,
        })
      : dialect === "postgres"
        ? new Kysely<unknown>({
            dialect: new PostgresDialect({
              pool: endsQuietly(new pg.Pool({ connectionString: url })),
            }),
            log,
          })
        : new Kysely<unknown>({
            dialect: new MysqlDialect({ pool: createPool({ uri: url }) }),
            log,
          });
  return { kysely, queries };
}
