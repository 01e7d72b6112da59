import { sql } from "kysely";
import { expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import { postgresQuirks } from "../../src/store/dialects/postgres.ts";
import { usernameFoldMigration } from "../../src/store/migrations/010-username-fold.ts";
import { usernameKey } from "../../src/store/username-case.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

/** SQLite's, PostgreSQL's and MariaDB's words for a unique violation. */
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value|Duplicate entry/;

/** The unique indexes of the users table that cover its username column, by definition. */
async function usernameUniqueIndexes(gu: GuestUsers): Promise<string[]> {
  const { table } = gu.settings.tables.users;
  if (gu.dialect === "sqlite") {
    const { rows } = await sql<{ name: string; unique: number }>`
      select name, "unique" from pragma_index_list(${table})`.execute(gu.db);
    const found: string[] = [];
    for (const index of rows.filter((row) => row.unique === 1)) {
      const { rows: columns } = await sql<{ name: string | null }>`
        select name from pragma_index_info(${index.name})`.execute(gu.db);
      // An index on lower(username) lists its column as null: read its SQL instead.
      const { rows: definition } = await sql<{ sql: string | null }>`
        select sql from sqlite_master where name = ${index.name}`.execute(gu.db);
      if (columns.some((c) => c.name === "username") || /username/.test(definition[0]?.sql ?? ""))
        found.push(index.name);
    }
    return found;
  }
  if (gu.dialect === "postgres") {
    const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes
      where tablename = ${table} and indexdef ilike '%unique%' and indexdef ilike '%username%'`.execute(
      gu.db,
    );
    return rows.map((row) => row.name);
  }
  const { rows } = await sql<{ name: string }>`select distinct index_name as name
    from information_schema.statistics where table_schema = database() and table_name = ${table}
    and non_unique = 0 and column_name in ('username', 'username_key')`.execute(gu.db);
  return rows.map((row) => row.name);
}

describeEachDatabase("the username's one unique index", (fx) => {
  const insertUser = (gu: GuestUsers, username: string) =>
    sql`insert into ${sql.table(gu.settings.tables.users.table)} (username, username_key, created_at)
      values (${username}, ${usernameKey(username)}, ${Date.now()})`.execute(gu.db);

  it("refuses the same username, as written or in another case, with one index", async () => {
    const gu = await fx.open({ tablePrefix: "one_" });
    expect(await usernameUniqueIndexes(gu)).toHaveLength(1);
    await insertUser(gu, "Ada");
    for (const clash of ["Ada", "ada", "ADA"])
      await expect(insertUser(gu, clash)).rejects.toThrow(UNIQUE_VIOLATION);
    await insertUser(gu, "Grace");
  });

  // PostgreSQL only: there, databases made before lose the old constraint (see the migration).
  if (fx.dialect !== "postgres") return;
  it("drops the plain UNIQUE of a database made before, keeping the case-insensitive one", async () => {
    const gu = await fx.open({ tablePrefix: "old_" });
    const { table } = gu.settings.tables.users;
    // As migration 001 used to make it.
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_username_key`)}
        unique (username)`.execute(gu.db);
    // And without the folded key of migration 010: its lower(username) index back.
    await usernameFoldMigration(gu.settings.tables, postgresQuirks).down?.(gu.db);
    await sql`delete from ${sql.table(gu.settings.tables.migrations)}
        where name in ('007-one-username-index', '008-set-based-cascade', '009-staff', '010-username-fold', '011-continue-links', '012-quota-funnel')`.execute(
      gu.db,
    );
    expect(await usernameUniqueIndexes(gu)).toHaveLength(2);

    expect((await gu.migrate()).applied).toEqual([
      "007-one-username-index",
      "008-set-based-cascade",
      "009-staff",
      "010-username-fold",
      "011-continue-links",
      "012-quota-funnel",
    ]);
    expect(await usernameUniqueIndexes(gu)).toEqual([`${table}_username_key_idx`]);
    await insertUser(gu, "Ada");
    await expect(insertUser(gu, "ada")).rejects.toThrow(UNIQUE_VIOLATION);
  });
});
