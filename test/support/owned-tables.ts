import { sql } from "kysely";
import type { GuestUsers } from "../../src/index.ts";
import { autoIncrementId } from "./app-tables.ts";
import type { DialectName } from "./databases.ts";

/**
 * An app's owned tables for the `ownership` tests: `<prefix>notes(id, user_id, body)` (many
 * per user) and `<prefix>carts(user_id unique, items)` (one per user), both ON DELETE CASCADE
 * from the built-in users table `<prefix>users`.
 */
export async function ownedTables(gu: GuestUsers, dialect: DialectName, prefix: string) {
  const idType = sql.raw(dialect === "sqlite" ? "integer" : "bigint");
  const notes = `${prefix}notes`;
  const carts = `${prefix}carts`;
  const users = sql.table(`${prefix}users`);
  await sql`create table ${sql.table(notes)} (
    id ${autoIncrementId(dialect)},
    user_id ${idType} not null,
    body varchar(200) not null,
    foreign key (user_id) references ${users}(id) on delete cascade)`.execute(gu.db);
  await sql`create table ${sql.table(carts)} (
    user_id ${idType} not null unique,
    items varchar(200) not null,
    foreign key (user_id) references ${users}(id) on delete cascade)`.execute(gu.db);
  return {
    notes,
    carts,
    addNote: (userId: unknown, body: string) =>
      sql`insert into ${sql.table(notes)} (user_id, body) values (${userId}, ${body})`.execute(
        gu.db,
      ),
    setCart: (userId: unknown, items: string) =>
      sql`insert into ${sql.table(carts)} (user_id, items) values (${userId}, ${items})`.execute(
        gu.db,
      ),
    /** The bodies of a user's notes, sorted. */
    notesOf: async (userId: unknown) =>
      (
        await sql<{ body: string }>`select body from ${sql.table(notes)}
          where user_id = ${userId} order by body`.execute(gu.db)
      ).rows.map((row) => row.body),
    /** The items of a user's cart, or null. */
    cartOf: async (userId: unknown) =>
      (
        await sql<{ items: string }>`select items from ${sql.table(carts)}
          where user_id = ${userId}`.execute(gu.db)
      ).rows[0]?.items ?? null,
    /** Every note and cart row, to check that none was lost or duplicated. */
    countAll: async () => {
      const count = async (table: string) =>
        Number(
          (await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(gu.db))
            .rows[0]?.n,
        );
      return { notes: await count(notes), carts: await count(carts) };
    },
  };
}
