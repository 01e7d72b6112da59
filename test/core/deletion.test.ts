import { sql } from "kysely";
import { expect, it } from "vitest";
import type { GuestUserEvents, GuestUsers, UserId } from "../../src/index.ts";
import { PASSWORD } from "../http/views/client.ts";
import { notesTable } from "../support/app-tables.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PERSON = { password1: PASSWORD, password2: PASSWORD };

/** Rows of `table` (our prefix's) that belong to `userId`. */
async function countOf(gu: GuestUsers, table: string, userId: UserId): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}
    where user_id = ${userId}`.execute(gu.db);
  return Number(rows[0]?.n ?? 0);
}

/** The funnel's `deleted` total over all days. */
async function funnelDeleted(gu: GuestUsers): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select coalesce(sum(deleted), 0) as n
    from ${sql.table(gu.settings.tables.funnel)}`.execute(gu.db);
  return Number(rows[0]?.n ?? 0);
}

/** Gives a user an identity row and a terms acceptance row (both cascade with the user). */
async function linkRows(gu: GuestUsers, userId: UserId, subject: string) {
  const { identities, termsAcceptances } = gu.settings.tables;
  await sql`insert into ${sql.table(identities)} (provider, subject, user_id, email, created_at)
    values (${"oidc"}, ${subject}, ${userId}, ${null}, ${1})`.execute(gu.db);
  await sql`insert into ${sql.table(termsAcceptances)} (user_id, version, accepted_at)
    values (${userId}, ${"v1"}, ${1})`.execute(gu.db);
}

describeEachDatabase("deleting one user", (fx) => {
  it("deletes a guest with its sessions, guest row, identities, terms and cascading app rows", async () => {
    const prefix = "del_a_";
    const gu = await fx.open({ tablePrefix: prefix });
    const notes = await notesTable(gu, fx.dialect, prefix);
    const events: GuestUserEvents["deleted"][] = [];
    gu.on("deleted", (event) => {
      events.push(event);
    });
    const { user: guest, session } = await gu.createGuestSession();
    const bystander = await gu.createGuestUser();
    await notes.add(guest.id, "mine");
    await notes.add(bystander.id, "theirs");
    await linkRows(gu, guest.id, "guest-subject");

    expect(await gu.deleteUser(guest)).toBe(true);

    expect(await gu.getUser(guest.id)).toBeNull();
    expect(await gu.getGuest(guest.id)).toBeNull();
    expect(await gu.validateSession(session.token)).toBeNull();
    const { tables } = gu.settings;
    for (const table of [tables.sessions, tables.identities, tables.termsAcceptances, notes.table])
      expect(await countOf(gu, table, guest.id)).toBe(0);
    // Nobody else's rows went.
    expect(await countOf(gu, notes.table, bystander.id)).toBe(1);
    expect(await gu.isGuestUser(bystander)).toBe(true);
    expect(events).toEqual([
      { user: expect.objectContaining({ id: guest.id, isGuest: true }), by: "self" },
    ]);

    // Deleting again: nothing there, nothing fired.
    expect(await gu.deleteUser(guest.id)).toBe(false);
    expect(events).toHaveLength(1);
  });

  it("deletes a registered user too, and says who asked", async () => {
    const prefix = "del_b_";
    const gu = await fx.open({ tablePrefix: prefix });
    const notes = await notesTable(gu, fx.dialect, prefix);
    const events: GuestUserEvents["deleted"][] = [];
    gu.on("deleted", (event) => {
      events.push(event);
    });
    const user = await gu.createUser({ username: "leaving", ...PERSON });
    const { token } = await gu.createSession(user.id);
    await notes.add(user.id, "registered note");
    await linkRows(gu, user.id, "registered-subject");

    expect(await gu.deleteUser(user, { by: "admin" })).toBe(true);

    expect(await gu.getUser(user.id)).toBeNull();
    expect(await gu.validateSession(token)).toBeNull();
    expect(await gu.authenticate({ username: "leaving", password: PASSWORD })).toBeNull();
    expect(await countOf(gu, notes.table, user.id)).toBe(0);
    expect(await countOf(gu, gu.settings.tables.identities, user.id)).toBe(0);
    expect(events).toEqual([
      {
        user: expect.objectContaining({ id: user.id, username: "leaving", isGuest: false }),
        by: "admin",
      },
    ]);
  });

  it("counts deleted guests in the funnel, never deleted registered users", async () => {
    const gu = await fx.open({ tablePrefix: "del_c_" });
    const guests = [await gu.createGuestUser(), await gu.createGuestUser()];
    const registered = await gu.createUser({ username: "counted_not", ...PERSON });
    expect(await funnelDeleted(gu)).toBe(0);
    await gu.deleteUser(registered);
    expect(await funnelDeleted(gu)).toBe(0);
    for (const guest of guests) await gu.deleteUser(guest);
    expect(await funnelDeleted(gu)).toBe(2);
    await gu.deleteUser(guests[0]?.id as UserId); // already gone: not counted twice
    expect(await funnelDeleted(gu)).toBe(2);
  });

  it("runs beforeDelete in the transaction; a throw deletes nothing and reaches the caller", async () => {
    const prefix = "del_d_";
    const calls: (readonly UserId[])[] = [];
    let refuse = true;
    const gu = await fx.open({
      tablePrefix: prefix,
      beforeDelete: async ({ userIds, db }) => {
        calls.push(userIds);
        // Work done through the transaction is rolled back with it.
        await sql`delete from ${sql.table(`${prefix}notes`)} where user_id = ${userIds[0]}`.execute(
          db,
        );
        if (refuse) throw new Error("billing still open");
      },
    });
    const notes = await notesTable(gu, fx.dialect, prefix);
    const events: unknown[] = [];
    gu.on("deleted", (event) => {
      events.push(event);
    });
    const { user: guest, session } = await gu.createGuestSession();
    await notes.add(guest.id, "keep me");

    await expect(gu.deleteUser(guest)).rejects.toThrow("billing still open");
    expect(calls).toEqual([[guest.id]]);
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect((await gu.validateSession(session.token))?.user.id).toBe(guest.id);
    expect(await countOf(gu, notes.table, guest.id)).toBe(1);
    expect(await funnelDeleted(gu)).toBe(0);
    expect(events).toEqual([]);

    refuse = false;
    expect(await gu.deleteUser(guest)).toBe(true);
    expect(await gu.getUser(guest.id)).toBeNull();
    expect(await funnelDeleted(gu)).toBe(1);
  });

  it("refuses (rolled back) a beforeDelete that queries through guestUsers.db", async () => {
    let gu: GuestUsers | null = null;
    gu = await fx.open({
      tablePrefix: "del_e_",
      beforeDelete: async ({ userIds }) => {
        await (gu as GuestUsers).getGuest(userIds[0] as UserId);
      },
    });
    const guest = await gu.createGuestUser();
    await expect(gu.deleteUser(guest)).rejects.toMatchObject({ code: "OUTER_DB_IN_LISTENER" });
    expect(await gu.isGuestUser(guest)).toBe(true);
  });
});

describeEachDatabase("isExpired and expiresAt", (fx) => {
  const HOUR = 3600;

  it('follows expireBy: "createdAt" (the default), the same rule as the clean-up', async () => {
    const clock = testClock();
    const gu = await fx.open({
      tablePrefix: "exp_a_",
      clock: clock.now,
      maxAge: HOUR,
      session: { maxAge: 4 * HOUR, refreshInterval: 60 },
    });
    const created = clock.now();
    const { user: guest, session } = await gu.createGuestSession();
    expect(await gu.expiresAt(guest)).toBe(created + HOUR * 1000);
    clock.advance(HOUR / 2);
    await gu.validateSession(session.token); // a visit: last_seen_at moves on
    expect((await gu.getGuest(guest))?.lastSeenAt).toBe(clock.now());
    expect(await gu.expiresAt(guest)).toBe(created + HOUR * 1000); // visits do not matter here
    clock.advance(HOUR / 2); // exactly maxAge old: not yet expired, not yet cleaned up
    expect(await gu.isExpired(guest)).toBe(false);
    expect((await gu.stats()).expired).toBe(0);
    clock.advance(0.001);
    expect(await gu.isExpired(guest)).toBe(true);
    expect(await gu.isExpired(guest.id)).toBe(true);
    expect(await gu.isExpired((await gu.getGuest(guest)) ?? guest)).toBe(true); // a guest row
    expect((await gu.stats()).expired).toBe(1);
  });

  it('follows expireBy: "lastSeenAt": each visit moves the date on', async () => {
    const clock = testClock();
    const gu = await fx.open({
      tablePrefix: "exp_b_",
      clock: clock.now,
      maxAge: HOUR,
      expireBy: "lastSeenAt",
      session: { maxAge: 4 * HOUR, refreshInterval: 60 },
    });
    const { user: guest, session } = await gu.createGuestSession();
    clock.advance(HOUR / 2);
    await gu.validateSession(session.token);
    const seen = clock.now();
    expect(await gu.expiresAt(guest)).toBe(seen + HOUR * 1000);
    clock.advance(HOUR - 1); // older than maxAge since creation, but seen recently
    expect(await gu.isExpired(guest)).toBe(false);
    clock.advance(1.001);
    expect(await gu.isExpired(guest)).toBe(true);
    expect((await gu.stats()).expired).toBe(1);
  });

  it("is false and null for registered users and unknown ids", async () => {
    const clock = testClock();
    const gu = await fx.open({ tablePrefix: "exp_c_", clock: clock.now, maxAge: HOUR });
    const user = await gu.createUser({ username: "forever", ...PERSON });
    clock.advance(10 * HOUR);
    for (const ref of [user, user.id, { id: user.id }, 987654]) {
      expect(await gu.isExpired(ref)).toBe(false);
      expect(await gu.expiresAt(ref)).toBeNull();
    }
  });
});
