import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { USERNAME_ATTEMPTS } from "../../src/core/operations/guests.ts";
import type { GuestUserError } from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const request = () =>
  new Request("http://localhost/allow_guest_user/", { headers: { "user-agent": "Mozilla/5.0" } });

describeEachDatabase("createGuestUser", (fx) => {
  it("writes a user with no usable password and its guest row", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser();
    expect(user).toMatchObject({ isGuest: true, email: null, lastLoginAt: null });
    expect(user.username).toMatch(/^[0-9a-f]{32}$/);
    const { rows } = await sql<{
      password: string | null;
    }>`select password from guest_user_users where id = ${user.id}`.execute(gu.db);
    expect(rows).toEqual([{ password: null }]);
    expect(await gu.isGuestUser(user)).toBe(true);
    expect(await gu.getGuest(user)).toMatchObject({ userId: user.id, data: null });
    expect(await gu.authenticate({ username: user.username, password: "" })).toBeNull();
  });

  it("keeps the preferred username, and picks another one when it is taken", async () => {
    const gu = await fx.open({ nameGenerator: "numbered" });
    const first = await gu.createGuestUser({ username: "username_conflict" });
    const second = await gu.createGuestUser({ username: "username_conflict" });
    expect(first.username).toBe("username_conflict");
    expect(second.username).toMatch(/^Guest\d{4}$/);
    expect(second.id).not.toBe(first.id);
  });

  it("gives 200 concurrent calls with the same preferred name 200 distinct users", async () => {
    const gu = await fx.open({ nameGenerator: "numbered", nameSuffixDigits: 6 });
    const users = await Promise.all(
      Array.from({ length: 200 }, () => gu.createGuestUser({ username: "same_name" })),
    );
    expect(new Set(users.map((u) => u.username)).size).toBe(200);
    expect(new Set(users.map((u) => u.id)).size).toBe(200);
    expect(users.filter((u) => u.username === "same_name")).toHaveLength(1);
    const { rows } = await sql<{ users: unknown; guests: unknown }>`select
      (select count(*) from guest_user_users where username = 'same_name' or username like 'Guest%') as users,
      (select count(*) from guest_user_guests) as guests`.execute(gu.db);
    expect(Number(rows[0]?.users)).toBeGreaterThanOrEqual(200);
    expect(Number(rows[0]?.guests)).toBeGreaterThanOrEqual(200);
  });

  it("tells the generator each attempt, then falls back to a UUID name: no USERNAME_EXHAUSTED", async () => {
    const attempts: (number | undefined)[] = [];
    const gu = await fx.open({
      nameGenerator: ({ attempt }) => {
        attempts.push(attempt);
        return "always_the_same";
      },
      tablePrefix: "exhausted_",
    });
    await gu.createGuestUser();
    attempts.length = 0;
    const user = await gu.createGuestUser();
    expect(user.username).toMatch(/^[0-9a-f]{32}$/);
    expect(attempts).toEqual(Array.from({ length: USERNAME_ATTEMPTS }, (_, i) => i + 1));
    const stats = await gu.stats();
    expect(stats.guests).toBe(2);
  });

  it("stores extra JSON data with the guest", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser({ data: { referrer: "newsletter", cart: [1, 2] } });
    expect((await gu.getGuest(user))?.data).toEqual({ referrer: "newsletter", cart: [1, 2] });
    await gu.setGuestData(user, { cart: [] });
    expect((await gu.getGuest(user))?.data).toEqual({ cart: [] });
  });

  it("fires guestCreated only when a request is given", async () => {
    const gu = await fx.open();
    const seen: unknown[] = [];
    const stop = gu.on("guestCreated", ({ user, request }) => {
      seen.push([user.username, request.url]);
    });
    await gu.createGuestUser();
    const req = request();
    const user = await gu.createGuestUser({ request: req });
    expect(seen).toEqual([[user.username, req.url]]);
    stop();
    await gu.createGuestUser({ request: req });
    expect(seen).toHaveLength(1);
  });

  it("reports a throwing listener to the logger and keeps the guest", async () => {
    const errors: unknown[][] = [];
    const gu = await fx.open({ logger: { warn() {}, error: (...args) => errors.push(args) } });
    gu.on("guestCreated", () => {
      throw new Error("listener broke");
    });
    let after = 0;
    gu.on("guestCreated", () => {
      after++;
    });
    const user = await gu.createGuestUser({ request: request() });
    expect(await gu.isGuestUser(user)).toBe(true);
    expect(after).toBe(1);
    expect(errors).toHaveLength(1);
    const reported = errors[0]?.[1] as GuestUserError;
    expect(reported.code).toBe("LISTENER_FAILED");
    expect((reported.cause as Error).message).toBe("listener broke");
  });

  it("creates the guest's first session in the same transaction", async () => {
    const gu = await fx.open();
    const { user, session } = await gu.createGuestSession({ request: request() });
    const current = await gu.validateSession(session.token);
    expect(current?.user).toMatchObject({ id: user.id, isGuest: true });
  });
});

describe("canCreateGuest", () => {
  it("refuses the reference's crawlers, case-insensitively, and everyone when disabled", async () => {
    const { createGuestUsers } = await import("../../src/index.ts");
    const gu = createGuestUsers({ database: "sqlite::memory:" });
    const ua = (agent: string) =>
      new Request("http://localhost/", { headers: { "user-agent": agent } });
    for (const bot of [
      "Mozilla/5.0 (compatible; Googlebot/2.1)",
      "YANDEXMOBILEBOT/3",
      "facebookexternalhit/1.1",
      "ia_archiver",
      "Mozilla/5.0 (compatible; bingbot/2.0)",
    ]) {
      expect(gu.canCreateGuest(ua(bot)), bot).toBe(false);
    }
    expect(gu.canCreateGuest(ua("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"))).toBe(true);
    // No User-Agent at all is no browser: refused (issue 6).
    expect(gu.canCreateGuest(new Request("http://localhost/"))).toBe(false);
    const off = createGuestUsers({ database: "sqlite::memory:", enabled: false });
    expect(off.canCreateGuest(ua("Mozilla/5.0"))).toBe(false);
    await gu.close();
    await off.close();
  });
});
