import { sql } from "kysely";
import type { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USERNAME_ATTEMPTS } from "../../src/core/operations/guests.ts";
import { createGuestUsers, type GuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import { preparedStatementName } from "../../src/store/prepared-statements.ts";
import { accountsDdl, accountsUsers } from "../support/app-tables.ts";
import {
  availableDialects,
  endsQuietly,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { FAST_HASHING, testClock } from "../support/guest-users.ts";

const run = availableDialects().includes("postgres") ? describe : describe.skip;
const MAX_AGE = 3600;

/** A pg Pool that records the text of every query its clients run (named or not). */
async function countingPool(url: string) {
  const { default: pg } = await import("pg");
  const pool = endsQuietly(new pg.Pool({ connectionString: url, max: 4 }));
  const texts: string[] = [];
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const counted = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      texts.push(typeof first === "string" ? first : String(first?.text));
      return query(...args);
    };
    Object.assign(client, { query: counted });
  });
  return { pool: pool as Pool, texts };
}

run("guest creation in one statement [postgres]", () => {
  let database: IsolatedDatabase;
  const pools: Pool[] = [];
  const opened: GuestUsers[] = [];
  let prefixes = 0;
  beforeAll(async () => {
    database = await isolatedDatabase("postgres");
  });
  afterAll(async () => {
    for (const gu of opened) await gu.close();
    for (const pool of pools) await pool.end();
    await database.drop();
  });

  /** The library on a counting pool, with tables of its own (a new prefix per call). */
  async function open(options: GuestUsersOptions = {}) {
    const { pool, texts } = await countingPool(database.url);
    pools.push(pool);
    const clock = testClock();
    const gu = createGuestUsers({
      passwordHashing: FAST_HASHING,
      logger: { warn() {}, error() {} },
      clock: clock.now,
      session: { maxAge: MAX_AGE },
      tablePrefix: `os${++prefixes}_`,
      ...options,
      database: pool,
    });
    opened.push(gu);
    await gu.migrate();
    texts.length = 0;
    return { gu, texts, clock, now: clock.now(), prefix: `os${prefixes}_` };
  }

  /** Rows in our tables (and a users table), and the funnel's `created` sum. */
  async function counts(gu: GuestUsers, prefix: string, users = `${prefix}users`) {
    const { rows } = await sql<Record<string, unknown>>`select
      (select count(*) from ${sql.table(users)}) as users,
      (select count(*) from ${sql.table(`${prefix}guests`)}) as guests,
      (select count(*) from ${sql.table(`${prefix}sessions`)}) as sessions,
      (select coalesce(sum(created), 0) from ${sql.table(`${prefix}funnel_days`)}) as created`.execute(
      gu.db,
    );
    const row = rows[0] ?? {};
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  }

  /** The one statement the creation ran: a marked (prepared) data-modifying CTE. */
  function expectOneStatement(texts: string[], withSession: boolean) {
    expect(texts).toHaveLength(1);
    const text = texts[0] as string;
    expect(text).toMatch(/^with u as \(\s*insert into/);
    expect(text.includes("_sessions")).toBe(withSession);
    expect(text).toContain("_funnel_days");
    expect(preparedStatementName(text)).toMatch(/^guest_user_/);
  }

  it("writes user, guest, session and funnel count in ONE statement (built-in users)", async () => {
    const { gu, texts, now, prefix } = await open();
    const { user, session } = await gu.createGuestSession({ data: { cart: [1, 2] } });
    expectOneStatement(texts, true);
    expect(typeof user.id).toBe("number");
    expect(user).toMatchObject({ isGuest: true, email: null, createdAt: now, lastLoginAt: null });
    expect(session.expiresAt).toBe(now + MAX_AGE * 1000);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(await counts(gu, prefix)).toEqual({ users: 1, guests: 1, sessions: 1, created: 1 });

    const { rows } = await sql<Record<string, unknown>>`select u.password, u.email,
        u.created_at, g.created_at as guest_created, g.last_seen_at, g.data, g.creation_key,
        s.created_at as session_created, s.expires_at
      from ${sql.table(`${prefix}users`)} u
      join ${sql.table(`${prefix}guests`)} g on g.user_id = u.id
      join ${sql.table(`${prefix}sessions`)} s on s.user_id = u.id
      where u.id = ${user.id}`.execute(gu.db);
    expect(rows).toEqual([
      {
        password: null,
        email: null,
        created_at: String(now),
        guest_created: String(now),
        last_seen_at: String(now),
        data: { cart: [1, 2] },
        creation_key: null,
        session_created: String(now),
        expires_at: String(now + MAX_AGE * 1000),
      },
    ]);
    const validated = await gu.validateSession(session.token);
    expect(validated?.user).toEqual(user);
  });

  it("without a session: user, guest and funnel count in one statement, no session row", async () => {
    const { gu, texts, prefix } = await open();
    const user = await gu.createGuestUser();
    expectOneStatement(texts, false);
    expect(await gu.isGuestUser(user)).toBe(true);
    await gu.createGuestUser();
    expect(await counts(gu, prefix)).toEqual({ users: 2, guests: 2, sessions: 0, created: 2 });
  });

  it("writes the app's own users table with its column names (accounts: no created_at)", async () => {
    const table = "os_accounts";
    const admin = createGuestUsers({ database: database.url });
    await accountsDdl("postgres", table).execute(admin.db);
    await admin.close();
    const { gu, texts, prefix } = await open({ users: accountsUsers(table) });
    const { user, session } = await gu.createGuestSession();
    expectOneStatement(texts, true);
    expect(typeof user.id).toBe("number");
    const { rows } = await sql`select account_id, login, pw_hash, mail
      from ${sql.table(table)}`.execute(gu.db);
    expect(rows).toEqual([
      { account_id: String(user.id), login: user.username, pw_hash: null, mail: null },
    ]);
    expect(await counts(gu, prefix, table)).toEqual({
      users: 1,
      guests: 1,
      sessions: 1,
      created: 1,
    });
    expect((await gu.validateSession(session.token))?.user.id).toBe(user.id);
  });

  it("fills a configured created-at column and leaves out a missing email column", async () => {
    const admin = createGuestUsers({ database: database.url });
    await sql`create table os_members (member_no bigint generated by default as identity primary key,
      handle varchar(150) unique not null, secret varchar(255), joined_ms bigint not null)`.execute(
      admin.db,
    );
    await admin.close();
    const { gu, texts, now } = await open({
      users: {
        table: "os_members",
        columns: {
          id: "member_no",
          username: "handle",
          password: "secret",
          email: null,
          createdAt: "joined_ms",
          lastLoginAt: null,
        },
      },
    });
    const user = await gu.createGuestUser();
    expectOneStatement(texts, false);
    const { rows } = await sql`select member_no, handle, secret, joined_ms from os_members`.execute(
      gu.db,
    );
    expect(rows).toEqual([
      { member_no: String(user.id), handle: user.username, secret: null, joined_ms: String(now) },
    ]);
    expect(await gu.getUser(user)).toMatchObject({ id: user.id, createdAt: now, isGuest: true });
  });

  it("gives back a string id for a users table with uuid keys", async () => {
    const admin = createGuestUsers({ database: database.url });
    await sql`create table os_uuid_users (id uuid default gen_random_uuid() primary key,
      username varchar(150) unique not null, password varchar(255), email varchar(254))`.execute(
      admin.db,
    );
    await admin.close();
    const { gu, texts } = await open({
      users: {
        table: "os_uuid_users",
        columns: { createdAt: null, lastLoginAt: null },
        idType: "string",
        idColumnType: "uuid",
      },
    });
    const { user, session } = await gu.createGuestSession();
    expectOneStatement(texts, true);
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect((await gu.validateSession(session.token))?.user).toEqual({ ...user, createdAt: null });
  });

  it("retries a taken username: the failed statement wrote nothing", async () => {
    const { gu, texts, prefix } = await open({ nameGenerator: "numbered" });
    const first = await gu.createGuestSession({ username: "clash" });
    texts.length = 0;
    const second = await gu.createGuestSession({ username: "CLASH" });
    expect(second.user.username).toMatch(/^Guest\d{4}$/);
    expect(second.user.id).not.toBe(first.user.id);
    expect(texts).toHaveLength(2); // the clash, then the statement with a generated name
    expect(texts[0]).toBe(texts[1]);
    expect(await counts(gu, prefix)).toEqual({ users: 2, guests: 2, sessions: 2, created: 2 });
  });

  it("falls back to a UUID name after every generated name clashed", async () => {
    const { gu, texts, prefix } = await open({ nameGenerator: () => "always_the_same" });
    await gu.createGuestUser();
    const user = await gu.createGuestUser();
    expect(user.username).toMatch(/^[0-9a-f]{32}$/);
    // One statement for the first guest; the second's generated names, then its UUID name.
    expect(texts).toHaveLength(1 + USERNAME_ATTEMPTS + 1);
    expect(new Set(texts).size).toBe(1);
    expect(await counts(gu, prefix)).toEqual({ users: 2, guests: 2, sessions: 0, created: 2 });
  });

  it("converges on the creation key's guest: the clashing statement left no user behind", async () => {
    const { gu, texts, prefix } = await open();
    const first = await gu.createGuestSession({ creationKey: "k".repeat(64) });
    texts.length = 0;
    const again = await gu.createGuestSession({ creationKey: "k".repeat(64) });
    expect(again.user).toEqual(first.user);
    expect(again.session.token).not.toBe(first.session.token);
    expect(texts[0]).toMatch(/^with u as/); // tried, clashed on the key, then converged
    // The second statement's user row (its username was free) went with the guest row's clash.
    expect(await counts(gu, prefix)).toEqual({ users: 1, guests: 1, sessions: 2, created: 1 });
    expect((await gu.validateSession(again.session.token))?.user.id).toBe(first.user.id);
  });

  it("never hands over a creation key's guest after the race: the late write gets a new guest, without the key", async () => {
    const { gu, clock, prefix } = await open();
    const old = await gu.createGuestUser({ creationKey: "o".repeat(64) });
    clock.advance(6);
    const fresh = await gu.createGuestSession({ creationKey: "o".repeat(64) });
    expect(fresh.user.id).not.toBe(old.id);
    const { rows } = await sql<{ user_id: string; creation_key: string | null }>`select user_id,
      creation_key from ${sql.table(`${prefix}guests`)} order by user_id`.execute(gu.db);
    // The key is spent: it stays with the old guest, never to be handed over, nor passed on.
    expect(rows).toEqual([
      { user_id: String(old.id), creation_key: "o".repeat(64) },
      { user_id: String(fresh.user.id), creation_key: null },
    ]);
    expect(await counts(gu, prefix)).toEqual({ users: 2, guests: 2, sessions: 1, created: 2 });
  });

  it("gives parallel first writes with one creation key one guest", async () => {
    const { gu, prefix } = await open();
    const made = await Promise.all(
      Array.from({ length: 8 }, () => gu.createGuestSession({ creationKey: "p".repeat(64) })),
    );
    expect(new Set(made.map((m) => m.user.id)).size).toBe(1);
    expect(await counts(gu, prefix)).toEqual({ users: 1, guests: 1, sessions: 8, created: 1 });
  });

  it("keeps the transaction for a custom userStore", async () => {
    const { gu, texts, prefix } = await open({ userStore: (defaults) => ({ ...defaults }) });
    await gu.createGuestSession();
    expect(texts.map((t) => t.trim().split(/\s+/)[0]?.toLowerCase())).toEqual([
      "begin",
      "insert",
      "insert",
      "insert",
      "insert",
      "commit",
    ]);
    texts.length = 0;
    await gu.createGuestUser();
    expect(texts).toHaveLength(5);
    expect(await counts(gu, prefix)).toEqual({ users: 2, guests: 2, sessions: 1, created: 2 });
  });
});
