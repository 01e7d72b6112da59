import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import { SessionCache } from "../../src/core/runtime/session-cache.ts";
import {
  decodeRevocation,
  encodeRevocation,
} from "../../src/core/runtime/session-cache-runtime.ts";
import { createGuestUsers, type GuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import type { UserId } from "../../src/shared/ids.ts";
import type { Db } from "../../src/store/dialect.ts";
import type { NewUser, UserStore } from "../../src/store/user-store.ts";
import { countingKysely } from "../support/counting-kysely.ts";
import { describeEachDatabase, FAST_HASHING, testClock } from "../support/guest-users.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Validates once (starting the channel) and waits until the cache listens. */
async function listening(gu: GuestUsers, token: string) {
  await gu.validateSession(token);
  for (let i = 0; i < 200 && !gu.sessionCacheStatus()?.listening; i++) await sleep(10);
  expect(gu.sessionCacheStatus()?.listening).toBe(true);
}

const sessionIdOf = (token: string) => token.split(".")[0] as string;

describeEachDatabase("session cache", (fx) => {
  /** PostgreSQL through its URL listens with NOTIFY; the others are one process here. */
  const cacheOptions = (ttlMs = 30_000): GuestUsersOptions["sessionCache"] =>
    fx.dialect === "postgres" ? { ttlMs } : { ttlMs, invalidation: "local" };

  it("serves a returning session from memory with no query", async () => {
    const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
    onTestFinished(() => kysely.destroy());
    const gu = await fx.open({ database: kysely, sessionCache: { invalidation: "local" } });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    const first = await gu.validateSession(token);
    expect(first?.user.id).toBe(user.id);
    const before = queries.length;
    for (let i = 0; i < 5; i++) {
      const again = await gu.validateSession(token);
      expect(again?.user).toEqual(first?.user);
      expect(again?.refreshed).toBe(false);
    }
    expect(queries.length).toBe(before);
    // A forged secret for a cached id is refused from memory too.
    expect(await gu.validateSession(`${sessionIdOf(token)}.${"A".repeat(43)}`)).toBeNull();
    expect(await gu.validateSession(token)).not.toBeNull();
  });

  it("serves a session deleted behind its back until ttlMs, then refuses it", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now, sessionCache: cacheOptions(5000) });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    await listening(gu, token);
    expect(await gu.validateSession(token)).not.toBeNull();
    await sql`delete from guest_user_sessions where id = ${sessionIdOf(token)}`.execute(gu.db);
    expect((await gu.validateSession(token))?.user.id).toBe(user.id);
    clock.advance(4.9);
    expect(await gu.validateSession(token)).not.toBeNull();
    clock.advance(0.1);
    expect(await gu.validateSession(token)).toBeNull();
  });

  it("still refuses an expired session served from memory", async () => {
    const clock = testClock();
    const gu = await fx.open({
      clock: clock.now,
      session: { maxAge: 10, refreshInterval: 5 },
      sessionCache: cacheOptions(60_000),
    });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    await listening(gu, token);
    clock.advance(10);
    expect(await gu.validateSession(token)).toBeNull();
  });

  it("writes the sliding expiry at most once per refreshInterval", async () => {
    const clock = testClock();
    const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
    onTestFinished(() => kysely.destroy());
    const gu = await fx.open({
      database: kysely,
      clock: clock.now,
      session: { maxAge: 3600, refreshInterval: 600 },
      sessionCache: { invalidation: "local", ttlMs: 3_600_000 },
    });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    const writes = () => queries.filter((q) => /^\s*update\b.*expires_at/is.test(q)).length;
    const refreshed: boolean[] = [];
    for (let minute = 0; minute < 30; minute++) {
      refreshed.push((await gu.validateSession(token))?.refreshed ?? false);
      clock.advance(60);
    }
    // Minutes 11 and 22 (600 s of remaining life gone, each time) refresh; nothing else writes.
    expect(refreshed.filter(Boolean)).toHaveLength(2);
    expect(writes()).toBe(2);
    const { rows } = await sql<{
      expires_at: unknown;
    }>`select expires_at from guest_user_sessions where id = ${sessionIdOf(token)}`.execute(gu.db);
    expect(Number(rows[0]?.expires_at)).toBe(testClock().now() + (22 * 60 + 3600) * 1000);
  });

  it("revokes at once in this process: logout, log out everywhere, convert, delete, admin, clean-up", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now, sessionCache: cacheOptions() });
    const cached = async () => {
      const user = await gu.createGuestUser();
      const { token } = await gu.createSession(user.id);
      await listening(gu, token);
      expect(await gu.validateSession(token)).not.toBeNull();
      return { user, token };
    };
    let s = await cached();
    await gu.invalidateSession(s.token);
    expect(await gu.validateSession(s.token)).toBeNull();

    s = await cached();
    expect(await gu.invalidateUserSessions(s.user.id)).toBe(1);
    expect(await gu.validateSession(s.token)).toBeNull();

    s = await cached();
    const password = "correct horse battery staple";
    await gu.convert(s.user, {
      username: `ada${fx.dialect}`,
      password1: password,
      password2: password,
    });
    expect(await gu.validateSession(s.token)).toBeNull();

    // A registered user's row changes (a password re-set through a conversion-free path: login).
    const login = await gu.createSession(s.user.id);
    const before = await gu.validateSession(login.token);
    expect(before?.user.lastLoginAt).toBeNull();
    clock.advance(1);
    await gu.authenticate({ username: `ada${fx.dialect}`, password });
    expect((await gu.validateSession(login.token))?.user.lastLoginAt).toBe(clock.now());

    s = await cached();
    await gu.deleteUser(s.user, { by: "self" });
    expect(await gu.validateSession(s.token)).toBeNull();

    s = await cached();
    expect(await gu.deleteGuests([s.user.id])).toBe(1);
    expect(await gu.validateSession(s.token)).toBeNull();

    s = await cached();
    clock.advance(2 * 3600);
    // The session is still valid (14 days); the guest is older than maxAge and goes.
    expect(await gu.validateSession(s.token)).not.toBeNull();
    const { deleted } = await gu.deleteExpired({ maxAge: 3600 });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await gu.validateSession(s.token)).toBeNull();
  });

  it("works with a userStore written as a class with private fields, whose writes revoke", async () => {
    /** An app's store: a class delegating to the built-in one through a private field. */
    class AuditedStore implements UserStore {
      readonly #base: UserStore;
      readonly logins: UserId[] = [];
      constructor(base: UserStore) {
        this.#base = base;
      }
      insertUser(db: Db, user: NewUser) {
        return this.#base.insertUser(db, user);
      }
      findById(db: Db, id: UserId) {
        return this.#base.findById(db, id);
      }
      findByUsername(db: Db, username: string) {
        return this.#base.findByUsername(db, username);
      }
      setCredentials(db: Db, id: UserId, credentials: Omit<NewUser, "now">) {
        return this.#base.setCredentials(db, id, credentials);
      }
      async recordLogin(db: Db, id: UserId, now: number) {
        this.logins.push(id);
        await this.#base.recordLogin(db, id, now);
      }
      deleteUser(db: Db, id: UserId) {
        return this.#base.deleteUser(db, id);
      }
    }
    let store: AuditedStore | undefined;
    const gu = await fx.open({
      sessionCache: cacheOptions(),
      userStore: (defaults) => {
        store = new AuditedStore(defaults);
        return store;
      },
    });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    await listening(gu, token);
    const password = "correct horse battery staple";
    await gu.convert(user, {
      username: `grace${fx.dialect}`,
      password1: password,
      password2: password,
    });
    // The conversion went through the class and revoked the guest's cached session.
    expect(await gu.validateSession(token)).toBeNull();
    expect(await gu.authenticate({ username: `grace${fx.dialect}`, password })).toMatchObject({
      id: user.id,
    });
    expect(store?.logins).toEqual([user.id]);
  });

  it("listens on its own connection, not a slot of the app's pg Pool", async () => {
    if (fx.dialect !== "postgres") return;
    const pool = new pg.Pool({ connectionString: fx.database().url, max: 1 });
    onTestFinished(() => pool.end());
    const gu = await fx.open({ database: pool, sessionCache: {} });
    const user = await gu.createGuestUser();
    const { token } = await gu.createSession(user.id);
    await listening(gu, token);
    expect(gu.sessionCacheStatus()?.invalidation).toBe("postgres");
    // The pool's one connection is free: the listener is not one of them.
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(await gu.validateSession(token)).not.toBeNull();
    await gu.invalidateSession(token);
    expect(await gu.validateSession(token)).toBeNull();
  });

  it("refuses at start-up a cache other processes could not hear about", () => {
    const url = fx.database().url;
    const open = (options: GuestUsersOptions) =>
      createGuestUsers({ passwordHashing: FAST_HASHING, database: url, ...options });
    if (fx.dialect === "postgres") {
      const gu = open({ sessionCache: {} });
      expect(gu.sessionCacheStatus()).toEqual({
        invalidation: "postgres",
        listening: false,
        size: 0,
      });
      void gu.close();
      const kysely = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
      });
      expect(() => open({ database: kysely, sessionCache: {} })).toThrow(
        /sessionCache: \{ redis \}/,
      );
      void kysely.destroy();
    } else {
      expect(() => open({ sessionCache: {} })).toThrow(
        expect.objectContaining({
          code: "INVALID_CONFIG",
          message: expect.stringContaining('invalidation: "local"'),
        }),
      );
      expect(() => open({ sessionCache: { invalidation: "postgres" } })).toThrow(
        /INVALID_CONFIG|sessionCache/,
      );
    }
    expect(() => open({ sessionCache: { ttlMs: 0, invalidation: "local" } })).toThrow(
      /sessionCache.ttlMs/,
    );
    expect(() => open({ sessionCache: { max: 1.5, invalidation: "local" } })).toThrow(
      /sessionCache.max/,
    );
    expect(() => open({ sessionCache: { invalidation: "redis" } })).toThrow(/sessionCache.redis/);
    expect(open({}).sessionCacheStatus()).toBeNull();
  });
});

describe("session cache internals", () => {
  const lookup = (userId: number) => ({
    session: { id: "s", secretHash: "h", userId, createdAt: 0, expiresAt: 10 },
    user: {
      id: userId,
      username: "u",
      email: null,
      passwordHash: null,
      createdAt: 0,
      lastLoginAt: null,
      isStaff: false,
    },
    isGuest: true,
  });

  it("never caches an answer read before a revocation arrived", () => {
    const cache = new SessionCache({ ttlMs: 1000, max: 10 });
    const generation = cache.generation;
    cache.revoke({ users: [7] });
    expect(cache.set("a", lookup(7), 10, 0, generation)).toBe(false);
    expect(cache.set("a", lookup(7), 10, 0, cache.generation)).toBe(true);
    cache.revoke({ users: ["7"] });
    expect(cache.get("a", 1)).toBeUndefined();
  });

  it("holds revoked users out until the hold ends, and evicts the least recently used", () => {
    const cache = new SessionCache({ ttlMs: 1000, max: 2 });
    cache.revoke({ users: [1] }, { now: 0, until: 500 });
    expect(cache.set("a", lookup(1), 10, 100, cache.generation)).toBe(false);
    expect(cache.set("a", lookup(1), 10, 500, cache.generation)).toBe(true);
    cache.set("b", lookup(2), 10, 500, cache.generation);
    cache.get("a", 501);
    cache.set("c", lookup(3), 10, 502, cache.generation);
    expect(cache.get("b", 503)).toBeUndefined();
    expect(cache.get("a", 503)).toBeDefined();
    expect(cache.get("a", 1500)).toBeUndefined();
  });

  it("holds at most max sessions after 3 x max, keeping the recently used ones", () => {
    const cache = new SessionCache({ ttlMs: 10_000, max: 100 });
    let largest = 0;
    for (let i = 0; i < 300; i++) {
      cache.set(`s${i}`, lookup(i), 10_000, 1, cache.generation);
      cache.get("s0", 2); // used on every request: never the least recently used
      largest = Math.max(largest, cache.size);
    }
    expect(largest).toBe(100);
    expect(cache.get("s0", 3)).toBeDefined();
    expect(cache.get("s1", 3)).toBeUndefined();
    expect(cache.get("s200", 3)).toBeUndefined();
    expect(cache.get("s299", 3)).toBeDefined();
    cache.revoke({ users: [299] });
    expect(cache.get("s299", 3)).toBeUndefined();
    expect(cache.size).toBe(99);
  });

  it("holds everything when more than max holds are still running, and forgets ended ones", () => {
    const cache = new SessionCache({ ttlMs: 1000, max: 4 });
    for (let user = 1; user <= 4; user++) cache.revoke({ users: [user] }, { now: 0, until: 50 });
    for (let user = 6; user <= 7; user++) cache.revoke({ users: [user] }, { now: 60, until: 500 });
    // Past max, the 4 ended holds were forgotten: user 1 may be cached again, user 6 not yet.
    expect(cache.set("a", lookup(1), 10, 100, cache.generation)).toBe(true);
    expect(cache.set("b", lookup(6), 10, 100, cache.generation)).toBe(false);
    for (let user = 10; user <= 20; user++)
      cache.revoke({ users: [user] }, { now: 100, until: 600 });
    // Too many running: everything is held until the last one ends.
    expect(cache.set("c", lookup(42), 10, 200, cache.generation)).toBe(false);
    expect(cache.set("c", lookup(42), 10, 600, cache.generation)).toBe(true);
  });

  it("splits big revocations into NOTIFY-sized payloads, or says everything", () => {
    const ids = Array.from({ length: 500 }, (_, i) => `session-${i}-${"x".repeat(20)}`);
    const payloads = encodeRevocation("me", { sessions: ids, users: [1, "b"] }, false);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const decoded = payloads.map((p) => decodeRevocation(p));
    expect(decoded.flatMap((m) => m?.revocation.sessions ?? [])).toEqual(ids);
    expect(decoded.flatMap((m) => m?.revocation.users ?? [])).toEqual([1, "b"]);
    const huge = Array.from({ length: 5000 }, (_, i) => `s${i}-${"y".repeat(30)}`);
    const all = encodeRevocation("me", { sessions: huge }, true);
    expect(all).toHaveLength(1);
    expect(decodeRevocation(all[0] as string)).toMatchObject({
      f: "me",
      h: 1,
      revocation: { everything: true },
    });
    expect(decodeRevocation("not json")).toBeNull();
    expect(decodeRevocation('{"x":1}')).toBeNull();
  });
});
