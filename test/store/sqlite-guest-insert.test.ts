import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createGuestUsers, type GuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import { FAST_HASHING, testClock } from "../support/guest-users.ts";

const MAX_AGE = 3600;

// On a SQLite database guest-user opened, a guest's rows are written in ONE synchronous
// immediate transaction on the better-sqlite3 handle (src/store/dialects/sqlite-guest-insert.ts).
describe("guest creation in one synchronous transaction [sqlite]", () => {
  const dir = mkdtempSync(join(tmpdir(), "guest-user-sqlite-insert-"));
  const opened: GuestUsers[] = [];
  let files = 0;
  afterAll(async () => {
    for (const gu of opened) await gu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: GuestUsersOptions = {}) {
    const clock = testClock();
    const gu = createGuestUsers({
      database: `sqlite:${join(dir, `db${++files}.sqlite3`)}`,
      passwordHashing: FAST_HASHING,
      logger: { warn() {}, error() {} },
      clock: clock.now,
      session: { maxAge: MAX_AGE },
      ...options,
    });
    opened.push(gu);
    await gu.migrate();
    return { gu, clock, now: clock.now() };
  }

  async function counts(gu: GuestUsers) {
    const { rows } = await sql<Record<string, unknown>>`select
      (select count(*) from guest_user_users) as users,
      (select count(*) from guest_user_guests) as guests,
      (select count(*) from guest_user_sessions) as sessions,
      (select coalesce(sum(created), 0) from guest_user_funnel_days) as created`.execute(gu.db);
    return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
  }

  it("writes user, guest, session and funnel count, without a Kysely transaction", async () => {
    const { gu, now } = await open();
    const transactions = vi.spyOn(gu.db, "transaction");
    const { user, session } = await gu.createGuestSession({ data: { cart: [1, 2] } });
    expect(transactions).not.toHaveBeenCalled();
    transactions.mockRestore();
    expect(user).toMatchObject({ isGuest: true, email: null, createdAt: now, lastLoginAt: null });
    expect(session.expiresAt).toBe(now + MAX_AGE * 1000);
    expect(await counts(gu)).toEqual({ users: 1, guests: 1, sessions: 1, created: 1 });
    const { rows } = await sql<Record<string, unknown>>`select u.password, u.username_key,
        g.created_at, g.last_seen_at, g.data, g.creation_key, s.created_at as session_created
      from guest_user_users u join guest_user_guests g on g.user_id = u.id
      join guest_user_sessions s on s.user_id = u.id where u.id = ${user.id}`.execute(gu.db);
    expect(rows).toEqual([
      {
        password: null,
        username_key: user.username.toLowerCase(),
        created_at: now,
        last_seen_at: now,
        data: JSON.stringify({ cart: [1, 2] }),
        creation_key: null,
        session_created: now,
      },
    ]);
    expect((await gu.validateSession(session.token))?.user).toEqual(user);
    const bare = await gu.createGuestUser();
    expect(await gu.isGuestUser(bare)).toBe(true);
    expect(await counts(gu)).toEqual({ users: 2, guests: 2, sessions: 1, created: 2 });
  });

  it("retries a taken username: the failed transaction wrote nothing", async () => {
    const { gu } = await open({ nameGenerator: "numbered" });
    const first = await gu.createGuestSession({ username: "clash" });
    const second = await gu.createGuestSession({ username: "CLASH" });
    expect(second.user.username).toMatch(/^Guest\d{4}$/);
    expect(second.user.id).not.toBe(first.user.id);
    expect(await counts(gu)).toEqual({ users: 2, guests: 2, sessions: 2, created: 2 });
  });

  it("converges on the creation key's guest: the clashing transaction left no user behind", async () => {
    const { gu } = await open();
    const first = await gu.createGuestSession({ creationKey: "k".repeat(64) });
    const again = await gu.createGuestSession({ creationKey: "k".repeat(64) });
    expect(again.user).toEqual(first.user);
    expect(await counts(gu)).toEqual({ users: 1, guests: 1, sessions: 2, created: 1 });
    const made = await Promise.all(
      Array.from({ length: 8 }, () => gu.createGuestSession({ creationKey: "p".repeat(64) })),
    );
    expect(new Set(made.map((m) => m.user.id)).size).toBe(1);
    expect(await counts(gu)).toEqual({ users: 2, guests: 2, sessions: 10, created: 2 });
  });

  it("waits for another request's open transaction, and is part of nothing it rolls back", async () => {
    const { gu } = await open();
    let created: Promise<unknown> | undefined;
    await gu.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into guest_user_funnel_days (day, shard, created) values ('2000-01-01', 0, 5)`.execute(
          trx,
        );
        created = gu.createGuestSession();
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error("rolled back");
      })
      .catch(() => {});
    await created;
    // The guest was written after the rollback, in a transaction of its own.
    expect(await counts(gu)).toEqual({ users: 1, guests: 1, sessions: 1, created: 1 });
  });

  it("an app's own Kysely instance keeps the transaction through Kysely", async () => {
    const { default: Database } = await import("better-sqlite3");
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new Database(join(dir, "app.sqlite3")) }),
    });
    const gu = createGuestUsers({ database: db, logger: { warn() {}, error() {} } });
    opened.push(gu);
    await gu.migrate();
    const { session } = await gu.createGuestSession();
    expect(await gu.validateSession(session.token)).not.toBeNull();
    expect(await counts(gu)).toEqual({ users: 1, guests: 1, sessions: 1, created: 1 });
    await gu.close();
    await db.destroy();
  });
});
