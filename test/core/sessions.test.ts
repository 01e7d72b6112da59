import { sql } from "kysely";
import { expect, it } from "vitest";
import { countingKysely } from "../support/counting-kysely.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

describeEachDatabase("sessions", (fx) => {
  it("stores only a hash of the token's secret", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    const [id, secret] = token.split(".");
    expect(token).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from guest_user_sessions where id = ${id}`.execute(gu.db);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(String(rows[0]?.secret_hash)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers null, never an error, for malformed, unknown and forged tokens", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    const [id] = token.split(".");
    const forged = `${id}.${"A".repeat(43)}`;
    for (const bad of [
      "",
      "garbage",
      `${token}x`,
      forged,
      `${"a".repeat(22)}.${"b".repeat(43)}`,
      "' or 1=1 --",
      "\u0000",
      null,
      undefined,
    ]) {
      expect(await gu.validateSession(bad), String(bad)).toBeNull();
    }
    expect(await gu.validateSession(token)).not.toBeNull();
  });

  it("looks a returning visitor up in ONE query, guest flag included", async () => {
    const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
    const gu = await fx.open({ database: kysely });
    const { user, session } = await gu.createGuestSession();
    queries.length = 0;
    const current = await gu.validateSession(session.token);
    expect(current?.user).toMatchObject({ id: user.id, username: user.username, isGuest: true });
    expect(current?.refreshed).toBe(false);
    expect(queries).toHaveLength(1);
    await kysely.destroy();
  });

  it("slides the expiry at most once per refresh interval, and records the guest's last visit", async () => {
    const clock = testClock();
    const gu = await fx.open({
      clock: clock.now,
      session: { maxAge: 10 * 86400, refreshInterval: 3600 },
    });
    const { user, session } = await gu.createGuestSession();
    clock.advance(1800);
    expect((await gu.validateSession(session.token))?.refreshed).toBe(false);
    clock.advance(1801);
    const refreshed = await gu.validateSession(session.token);
    expect(refreshed?.refreshed).toBe(true);
    expect(refreshed?.session.expiresAt).toBe(clock.now() + 10 * 86400 * 1000);
    expect((await gu.getGuest(user))?.lastSeenAt).toBe(clock.now());
    expect((await gu.validateSession(session.token))?.refreshed).toBe(false);
  });

  it("expires a session after maxAge without activity and deletes its row", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now, session: { maxAge: 7200, refreshInterval: 600 } });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    clock.advance(7201);
    expect(await gu.validateSession(token)).toBeNull();
    const { rows } =
      await sql`select id from guest_user_sessions where id = ${token.split(".")[0]}`.execute(
        gu.db,
      );
    expect(rows).toHaveLength(0);
  });

  it("revokes one session, or every session of a user", async () => {
    const gu = await fx.open();
    const user = await gu.createUser({
      username: "many_devices",
      password1: "Zebra-Quantum-77!",
      password2: "Zebra-Quantum-77!",
    });
    const a = await gu.createSession(user.id);
    const b = await gu.createSession(user.id);
    const c = await gu.createSession(user.id);
    await gu.invalidateSession(a.token);
    expect(await gu.validateSession(a.token)).toBeNull();
    expect(await gu.validateSession(b.token)).not.toBeNull();
    expect(await gu.invalidateUserSessions(user.id)).toBe(2);
    expect(await gu.validateSession(b.token)).toBeNull();
    expect(await gu.validateSession(c.token)).toBeNull();
  });

  it("gives a registered user isGuest false", async () => {
    const gu = await fx.open();
    const user = await gu.createUser({
      username: "regular",
      password1: "Zebra-Quantum-77!",
      password2: "Zebra-Quantum-77!",
    });
    const { token } = await gu.createSession(user.id);
    expect((await gu.validateSession(token))?.user).toMatchObject({ id: user.id, isGuest: false });
  });
});
