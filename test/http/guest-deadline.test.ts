import { sql } from "kysely";
import { expect, it, onTestFinished } from "vitest";
import type { GuestUsersOptions, KeepIf } from "../../src/index.ts";
import { notesTable } from "../support/app-tables.ts";
import { countingKysely } from "../support/counting-kysely.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { ORIGIN, SECRET, setup } from "./views/client.ts";

const DAY = 86_400;
const JSON_HEADERS = { accept: "application/json" };
const iso = (millis: number) => new Date(millis).toISOString();

/** `keepIf` "owns a note that is not a draft": a rule with a value of its own bound in. */
const ownsNote =
  (prefix: string): KeepIf =>
  (userId) =>
    sql`exists (select 1 from ${sql.table(`${prefix}notes`)} as n
      where n.user_id = ${userId} and n.text <> ${"draft"})`;

describeEachDatabase("a guest knows its deadline", (fx) => {
  let tables = 0;
  /** A GuestUsers on its own tables (and its notes table), with a movable clock. */
  const open = async (options: GuestUsersOptions = {}, keep = false) => {
    const prefix = `dl${++tables}_`;
    const clock = testClock();
    const gu = await fx.open({
      secret: SECRET,
      clock: clock.now,
      tablePrefix: prefix,
      ...options,
      ...(keep ? { retention: { keepIf: ownsNote(prefix), ...options.retention } } : {}),
    });
    const notes = await notesTable(gu, fx.dialect, prefix);
    return { ...setup(gu), clock, notes, prefix };
  };
  /** The guest row's times, as stored. */
  const guestRow = async (gu: Awaited<ReturnType<typeof open>>["gu"], userId: unknown) =>
    (await gu.getGuest(userId as number)) as { createdAt: number; lastSeenAt: number };

  it("a new guest and a returning one carry created_at + maxAge, in the state and the JSON user", async () => {
    const { gu, client, clock } = await open({ retention: { maxAge: 7 * DAY } });
    const made = await client.postJson("/accounts/guest/", {}, { headers: { origin: ORIGIN } });
    expect(made.status).toBe(200);
    const expected = clock.now() + 7 * DAY * 1000;
    const body = (await made.json()) as { user: { id: number; expiresAt: string } };
    expect(client.lastState?.expiresAt).toBe(expected);
    expect(body.user.expiresAt).toBe(iso(expected));
    clock.advance(60);
    const profile = await client.get("/accounts/profile/", { headers: JSON_HEADERS });
    const json = (await profile.json()) as { user: unknown; expiresAt: string };
    expect(client.lastState?.expiresAt).toBe(expected);
    expect(json.user).toEqual({
      id: body.user.id,
      username: expect.any(String),
      isGuest: true,
      expiresAt: iso(expected),
    });
    expect(json.expiresAt).toBe(iso(expected));
    const row = await guestRow(gu, body.user.id);
    expect(expected).toBe(row.createdAt + 7 * DAY * 1000);
    expect(await gu.expiresAt(body.user.id)).toBe(expected);
  });

  it("is the clean-up's rule to the millisecond", async () => {
    const { gu, client, clock } = await open({ maxAge: DAY });
    await client.postJson("/accounts/guest/", {}, { headers: { origin: ORIGIN } });
    const user = client.lastState?.user;
    const deadline = client.lastState?.expiresAt as number;
    clock.advance((deadline - clock.now()) / 1000);
    expect(await gu.isExpired(user?.id as number)).toBe(false);
    expect((await gu.deleteExpired()).deleted).toBe(0);
    clock.advance(0.001);
    expect(await gu.isExpired(user?.id as number)).toBe(true);
    expect((await gu.deleteExpired()).deleted).toBe(1);
  });

  it("with expireBy lastSeenAt it moves on when the session refreshes", async () => {
    const session = { maxAge: 10 * DAY, refreshInterval: 3600 };
    for (const cache of [false, true]) {
      const { gu, client, clock } = await open({
        maxAge: 2 * DAY,
        expireBy: "lastSeenAt",
        session,
        ...(cache ? { sessionCache: { invalidation: "local", ttlMs: 10 * 3600 * 1000 } } : {}),
      });
      await client.postJson("/accounts/guest/", {}, { headers: { origin: ORIGIN } });
      const id = client.lastState?.user?.id as number;
      const first = clock.now() + 2 * DAY * 1000;
      expect(client.lastState?.expiresAt).toBe(first);
      clock.advance(1800); // no refresh yet
      await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      expect(client.lastState?.expiresAt, `cache ${cache}`).toBe(first);
      clock.advance(1801); // the refresh is due: last_seen_at moves
      const refreshed = await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      const moved = clock.now() + 2 * DAY * 1000;
      expect(client.lastState?.expiresAt, `cache ${cache}`).toBe(moved);
      expect(((await refreshed.json()) as { expiresAt: string }).expiresAt).toBe(iso(moved));
      expect((await guestRow(gu, id)).lastSeenAt).toBe(clock.now());
      expect(await gu.expiresAt(id)).toBe(moved);
      clock.advance(60); // served again (from memory with the cache): still the moved date
      await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      expect(client.lastState?.expiresAt, `cache ${cache}`).toBe(moved);
    }
  });

  it("a guest keepIf matches gets maxAgeIfKept, or null when kept forever", async () => {
    for (const maxAgeIfKept of [90 * DAY, null]) {
      const { gu, client, clock, notes } = await open(
        { retention: { maxAge: DAY, maxAgeIfKept } },
        true,
      );
      await client.postJson("/accounts/guest/", {}, { headers: { origin: ORIGIN } });
      const id = client.lastState?.user?.id as number;
      const created = clock.now();
      expect(client.lastState?.expiresAt).toBe(created + DAY * 1000);
      await notes.add(id, "draft"); // the rule's own value: a draft does not keep it
      await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      expect(client.lastState?.expiresAt).toBe(created + DAY * 1000);
      await notes.add(id, "my work");
      const profile = await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      const kept = maxAgeIfKept === null ? null : created + maxAgeIfKept * 1000;
      expect(client.lastState?.expiresAt).toBe(kept);
      const json = (await profile.json()) as { user: { expiresAt: unknown }; expiresAt: unknown };
      expect(json.user.expiresAt).toBe(kept === null ? null : iso(kept));
      expect(json.expiresAt).toBe(kept === null ? null : iso(kept));
      expect(await gu.expiresAt(id)).toBe(kept);
    }
  });

  it("registered users and anonymous visitors get null, and no expiresAt key", async () => {
    const { gu, client } = await open({}, true);
    const anonymous = await client.get("/accounts/login/", { headers: JSON_HEADERS });
    expect(((await anonymous.json()) as { user: unknown }).user).toBeNull();
    expect(client.lastState?.expiresAt).toBeNull();
    const guest = await gu.createGuestSession();
    client.jar.set("guest_user_session", guest.session.token);
    await client.get("/accounts/profile/", { headers: JSON_HEADERS });
    expect(client.lastState?.expiresAt).toEqual(expect.any(Number));
    const user = await gu.createUser({
      username: "ada",
      password1: "Zebra-Quantum-77!",
      password2: "Zebra-Quantum-77!",
    });
    client.jar.set("guest_user_session", (await gu.createSession(user.id)).token);
    const profile = await client.get("/accounts/profile/", { headers: JSON_HEADERS });
    expect(client.lastState?.expiresAt).toBeNull();
    const json = (await profile.json()) as { user: object; expiresAt: unknown };
    expect(json.user).toEqual({ id: user.id, username: "ada", isGuest: false });
    expect(json.expiresAt).toBeNull();
  });

  it("a returning request stays ONE query, with and without a keepIf rule", async () => {
    for (const keep of [false, true]) {
      const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
      onTestFinished(() => kysely.destroy());
      const { gu, client, notes } = await open(
        { database: kysely, retention: { maxAge: DAY, maxAgeIfKept: 30 * DAY } },
        keep,
      );
      const { user, session } = await gu.createGuestSession();
      if (keep) await notes.add(user.id, "kept");
      client.jar.set("guest_user_session", session.token);
      queries.length = 0;
      const profile = await client.get("/accounts/profile/", { headers: JSON_HEADERS });
      expect(profile.status).toBe(200);
      expect(queries, `keepIf ${keep}`).toHaveLength(1);
      const row = await guestRow(gu, user.id);
      expect(client.lastState?.expiresAt).toBe(row.createdAt + (keep ? 30 : 1) * DAY * 1000);
      // With a rule, the lookup asks it (for guests only); without one, it does not.
      expect(queries[0]).toContain(keep ? "case when g.user_id is null" : "g.last_seen_at");
    }
  });
});
