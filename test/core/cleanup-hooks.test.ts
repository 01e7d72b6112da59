import { sql } from "kysely";
import { expect, it } from "vitest";
import type { BeforeDeleteEvent } from "../../src/core/config/options.ts";
import type { GuestUsers, UserId } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;

let prefixes = 0;
const freshPrefix = () => `ch${++prefixes}_`;
const sorted = (ids: readonly UserId[]) => ids.map(Number).sort((a, b) => a - b);

async function userIds(gu: GuestUsers): Promise<number[]> {
  const { table } = gu.settings.tables.users;
  const { rows } = await sql<{ id: unknown }>`select id from ${sql.table(table)}`.execute(gu.db);
  return sorted(rows.map((row) => row.id as UserId));
}

/** An app table the hook writes to: rows that do not cascade (say files to remove later). */
async function tombstones(gu: GuestUsers, prefix: string) {
  const table = sql.table(`${prefix}tombstones`);
  await sql`create table ${table} (user_id varchar(64) not null, username varchar(150) not null)`.execute(
    gu.db,
  );
  return async () => {
    const { rows } = await sql<{ user_id: string; username: string }>`
      select user_id, username from ${table} order by username`.execute(gu.db);
    return rows;
  };
}

describeEachDatabase("clean-up's beforeDelete hook", (fx) => {
  it("runs once per batch inside the batch's transaction, with exactly the ids deleted", async () => {
    const clock = testClock();
    const prefix = freshPrefix();
    const calls: (readonly UserId[])[] = [];
    const gu = await fx.open({
      tablePrefix: prefix,
      clock: clock.now,
      maxAge: DAY,
      async beforeDelete({ userIds: ids, db }: BeforeDeleteEvent) {
        calls.push([...ids]);
        // The users are still there to read, through the transaction.
        const { rows } = await sql<{ id: unknown; username: string }>`select id, username
          from ${sql.table(`${prefix}users`)} where id in (${sql.join([...ids])})`.execute(db);
        expect(rows).toHaveLength(ids.length);
        for (const row of rows) {
          await sql`insert into ${sql.table(`${prefix}tombstones`)} (user_id, username)
            values (${String(row.id)}, ${row.username})`.execute(db);
        }
      },
    });
    const written = await tombstones(gu, prefix);
    const member = await gu.createUser({
      username: "member",
      password1: PASSWORD,
      password2: PASSWORD,
    });
    const old: UserId[] = [];
    for (let i = 0; i < 7; i++) old.push((await gu.createGuestUser()).id);
    clock.advance(2 * DAY);
    const fresh = await gu.createGuestUser();

    expect(await gu.deleteExpired({ batchSize: 3 })).toMatchObject({ deleted: 7, expired: 7 });

    expect(calls.map((ids) => ids.length)).toEqual([3, 3, 1]);
    expect(sorted(calls.flat())).toEqual(sorted(old));
    expect((await written()).map((row) => row.user_id).sort()).toEqual(old.map(String).sort());
    expect(await userIds(gu)).toEqual(sorted([member.id, fresh.id]));
    expect((await gu.funnel()).totals.deleted).toBe(7);
    // Nothing expired: the hook is not called with an empty list.
    calls.length = 0;
    expect((await gu.deleteExpired()).deleted).toBe(0);
    expect(calls).toEqual([]);
  });

  it("rolls the batch back when the hook throws: those guests stay, earlier batches are gone", async () => {
    const clock = testClock();
    const prefix = freshPrefix();
    let calls = 0;
    const gu = await fx.open({
      tablePrefix: prefix,
      clock: clock.now,
      maxAge: DAY,
      async beforeDelete({ userIds: ids, db }: BeforeDeleteEvent) {
        calls++;
        await sql`insert into ${sql.table(`${prefix}tombstones`)} (user_id, username)
          values (${String(ids[0])}, ${`batch ${calls}`})`.execute(db);
        if (calls === 2) throw new Error("the file store is down");
      },
    });
    const written = await tombstones(gu, prefix);
    const guests: UserId[] = [];
    for (let i = 0; i < 5; i++) guests.push((await gu.createGuestUser()).id);
    clock.advance(2 * DAY);

    await expect(gu.deleteExpired({ batchSize: 2 })).rejects.toThrow("the file store is down");

    // Batch 1 committed; batch 2 (its hook's own write included) rolled back.
    expect(await userIds(gu)).toHaveLength(3);
    expect((await written()).map((row) => row.username)).toEqual(["batch 1"]);
    expect((await gu.funnel()).totals.deleted).toBe(2);
    expect(await gu.stats()).toEqual({ guests: 3, expired: 3, kept: 0 });

    // Once the hook works again, the rest goes.
    expect((await gu.deleteExpired({ batchSize: 2 })).deleted).toBe(3);
    expect(await userIds(gu)).toEqual([]);
    expect((await gu.funnel()).totals.deleted).toBe(5);
  });

  it("fails the batch when the hook queries outside its transaction", async () => {
    const clock = testClock();
    const prefix = freshPrefix();
    const holder: { gu?: GuestUsers } = {};
    const gu = await fx.open({
      tablePrefix: prefix,
      clock: clock.now,
      maxAge: DAY,
      async beforeDelete() {
        await holder.gu?.stats();
      },
    });
    holder.gu = gu;
    await gu.createGuestUser();
    clock.advance(2 * DAY);

    await expect(gu.deleteExpired()).rejects.toMatchObject({ code: "OUTER_DB_IN_LISTENER" });
    expect(await gu.stats()).toEqual({ guests: 1, expired: 1, kept: 0 });
    expect((await gu.funnel()).totals.deleted).toBe(0);
  });
});
