import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import {
  availableDialects,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

const run = availableDialects().includes("postgres") ? describe : describe.skip;

/** Rows of our four tables that hold `userIds`, per table. */
async function rowsOf(gu: GuestUsers, userIds: readonly number[]) {
  const { tables } = gu.settings;
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries({
    sessions: tables.sessions,
    guests: tables.guests,
    identities: tables.identities,
    terms: tables.termsAcceptances,
  })) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where user_id = any(${userIds})`.execute(gu.db);
    counts[name] = Number(rows[0]?.n);
  }
  return counts;
}

run("PostgreSQL: a user's rows go with it, through one statement-level trigger", () => {
  let database: IsolatedDatabase;
  let gu: GuestUsers;
  beforeAll(async () => {
    database = await isolatedDatabase("postgres");
    gu = createGuestUsers({ database: database.url, passwordHashing: FAST_HASHING });
    await gu.migrate();
  });
  afterAll(async () => {
    await gu?.close();
    await database?.drop();
  });

  /** A guest with a session, an identity and a terms acceptance. */
  async function fullGuest(): Promise<number> {
    const user = await gu.createGuestUser();
    await gu.createSession(user.id);
    const { tables } = gu.settings;
    await sql`insert into ${sql.table(tables.identities)} (provider, subject, user_id, created_at)
      values ('github', ${`s${user.id}`}, ${user.id}, 0)`.execute(gu.db);
    await sql`insert into ${sql.table(tables.termsAcceptances)} (user_id, version, accepted_at)
      values (${user.id}, 'v1', 0)`.execute(gu.db);
    return Number(user.id);
  }
  const deleteUsers = (ids: readonly number[]) =>
    sql`delete from ${sql.table(gu.settings.tables.users.table)} where id = any(${ids})`.execute(
      gu.db,
    );

  it("has no per-row foreign keys from our tables to the built-in users table", async () => {
    const { rows } = await sql<{ name: string }>`select conname as name from pg_constraint
      where contype = 'f' and confrelid = ${gu.settings.tables.users.table}::regclass`.execute(
      gu.db,
    );
    expect(rows).toEqual([]);
  });

  it("deletes the sessions, guest rows, identities and terms of every deleted user, and no others", async () => {
    const gone = [await fullGuest(), await fullGuest(), await fullGuest()];
    const kept = await fullGuest();
    const full = { sessions: 1, guests: 1, identities: 1, terms: 1 };
    expect(await rowsOf(gu, [kept])).toEqual(full);
    await deleteUsers([gone[0] as number]);
    expect(await rowsOf(gu, [gone[0] as number])).toEqual({
      sessions: 0,
      guests: 0,
      identities: 0,
      terms: 0,
    });
    await deleteUsers(gone.slice(1));
    expect(await rowsOf(gu, gone)).toEqual({ sessions: 0, guests: 0, identities: 0, terms: 0 });
    expect(await rowsOf(gu, [kept])).toEqual(full);
  });

  it("refuses a row for a user that does not exist, as a foreign key would (23503)", async () => {
    const { tables } = gu.settings;
    const missing = 987_654_321;
    const attempts = [
      sql`insert into ${sql.table(tables.sessions)} (id, secret_hash, user_id, created_at, expires_at)
        values ('orphan', 'x', ${missing}, 0, 0)`,
      sql`insert into ${sql.table(tables.guests)} (user_id, created_at, last_seen_at)
        values (${missing}, 0, 0)`,
      sql`insert into ${sql.table(tables.identities)} (provider, subject, user_id, created_at)
        values ('github', 'orphan', ${missing}, 0)`,
      sql`insert into ${sql.table(tables.termsAcceptances)} (user_id, version, accepted_at)
        values (${missing}, 'v1', 0)`,
    ];
    for (const attempt of attempts)
      await expect(attempt.execute(gu.db)).rejects.toMatchObject({ code: "23503" });
    // Moving a row to a missing user is refused too.
    const id = await fullGuest();
    await expect(
      sql`update ${sql.table(tables.sessions)} set user_id = ${missing} where user_id = ${id}`.execute(
        gu.db,
      ),
    ).rejects.toMatchObject({ code: "23503" });
    expect(await rowsOf(gu, [missing])).toEqual({
      sessions: 0,
      guests: 0,
      identities: 0,
      terms: 0,
    });
  });

  it("refuses to change the id of a user that rows refer to", async () => {
    const id = await fullGuest();
    await expect(
      sql`update ${sql.table(gu.settings.tables.users.table)} set id = ${id + 1_000_000}
        where id = ${id}`.execute(gu.db),
    ).rejects.toMatchObject({ code: "23503" });
  });

  it("leaves no orphan when a session is added while its user is being deleted", async () => {
    const id = await fullGuest();
    const adding = new pg.Client({ connectionString: database.url });
    const deleting = new pg.Client({ connectionString: database.url });
    await Promise.all([adding.connect(), deleting.connect()]);
    onTestFinished(() => Promise.all([adding.end(), deleting.end()]).then(() => undefined));
    const { tables } = gu.settings;
    await adding.query("begin");
    await adding.query(
      `insert into ${tables.sessions} (id, secret_hash, user_id, created_at, expires_at)
       values ('racing', 'x', $1, 0, 0)`,
      [id],
    );
    // The insert holds the user (for key share): the delete waits for it...
    const deleted = deleting.query(`delete from ${tables.users.table} where id = $1`, [id]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await adding.query("commit");
    // ...then deletes the user and the session that arrived meanwhile.
    expect((await deleted).rowCount).toBe(1);
    expect(await rowsOf(gu, [id])).toEqual({ sessions: 0, guests: 0, identities: 0, terms: 0 });
  });

  it("truncating the users table truncates our tables with it", async () => {
    const other = createGuestUsers({
      database: database.url,
      tablePrefix: "trunc_",
      passwordHashing: FAST_HASHING,
    });
    onTestFinished(() => other.close());
    await other.migrate();
    const user = await other.createGuestUser();
    await other.createSession(user.id);
    await sql`truncate ${sql.table(other.settings.tables.users.table)}`.execute(other.db);
    expect(await rowsOf(other, [Number(user.id)])).toEqual({
      sessions: 0,
      guests: 0,
      identities: 0,
      terms: 0,
    });
  });
});
