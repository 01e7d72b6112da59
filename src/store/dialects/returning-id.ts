import { type RawBuilder, sql } from "kysely";
import type { Db, InsertedId } from "../dialect.ts";

/** PostgreSQL's and SQLite's inserted id: `insert ... returning idColumn`, one round trip. */
export async function returningId(
  db: Db,
  insert: RawBuilder<unknown>,
  idColumn: string,
): Promise<InsertedId> {
  const { rows } = await sql<{
    id: unknown;
  }>`${insert} returning ${sql.ref(idColumn)} as id`.execute(db);
  return { returned: rows[0]?.id };
}
