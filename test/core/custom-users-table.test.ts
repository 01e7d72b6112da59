import { type KyselyPlugin, sql } from "kysely";
import { expect, it } from "vitest";
import { z } from "zod";
import {
  type ConvertForm,
  createGuestUsers,
  type GuestUsers,
  type GuestUsersOptions,
  InvalidConfigError,
} from "../../src/index.ts";
import { accountsDdl, accountsUsers } from "../support/app-tables.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { MIGRATIONS } from "../support/migrations.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });

interface Account {
  account_id: number;
  login: string;
  pw_hash: string | null;
  mail: string | null;
}

async function accounts(gu: GuestUsers, table: string): Promise<Account[]> {
  const { rows } = await sql<Account>`select account_id, login, pw_hash, mail
    from ${sql.table(table)} order by account_id`.execute(gu.db);
  return rows.map((row) => ({ ...row, account_id: Number(row.account_id) }));
}

async function tableNames(gu: GuestUsers): Promise<string[]> {
  const tables = await gu.db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.map((t) => t.name).sort();
}

describeEachDatabase("the app's own users table", (fx) => {
  let tests = 0;

  /**
   * Creates the app's `accounts` table (a new name per test, as tests share the database)
   * with one account of the app's own, and gives back a prefix for our tables.
   */
  async function createAccounts() {
    const n = ++tests;
    const table = n === 1 ? "accounts" : `accounts_${n}`;
    const admin = createGuestUsers({ database: fx.database().url });
    try {
      await accountsDdl(fx.dialect, table).execute(admin.db);
      await sql`insert into ${sql.table(table)} (login, pw_hash, mail)
        values ('app_admin', 'not-our-hash', 'admin@example.com')`.execute(admin.db);
      const columns = (await admin.db.introspection.getTables()).find(
        (t) => t.name === table,
      )?.columns;
      return { table, tablePrefix: `cu${n}_`, columns };
    } finally {
      await admin.close();
    }
  }

  /** The app's table, and the library opened (and migrated) on it. */
  async function setup(options: GuestUsersOptions = {}) {
    const { table, tablePrefix } = await createAccounts();
    const gu = await fx.open({ tablePrefix, users: accountsUsers(table), ...options });
    return { gu, table, tablePrefix };
  }

  it("migrate leaves the app's table alone, and unmigrate keeps it and its rows", async () => {
    const { table, tablePrefix, columns: before } = await createAccounts();
    const columnsOf = async (gu: GuestUsers) =>
      (await gu.db.introspection.getTables()).find((t) => t.name === table)?.columns;
    const gu = await fx.open({ tablePrefix, users: accountsUsers(table) });
    expect(before).toHaveLength(4);

    expect(await gu.migrate()).toEqual({ applied: [] });
    expect(await columnsOf(gu)).toEqual(before);
    const names = await tableNames(gu);
    expect(names).toEqual(expect.arrayContaining([table, `${tablePrefix}guests`]));
    expect(names).toContain(`${tablePrefix}sessions`);
    expect(names).not.toContain(`${tablePrefix}users`);
    const guest = await gu.createGuestUser();

    expect((await gu.unmigrate()).applied).toEqual([...MIGRATIONS].reverse());
    const after = await tableNames(gu);
    expect(after).toContain(table);
    expect(after).not.toContain(`${tablePrefix}guests`);
    expect(after).not.toContain(`${tablePrefix}sessions`);
    expect(await columnsOf(gu)).toEqual(before);
    expect(await accounts(gu, table)).toEqual([
      { account_id: 1, login: "app_admin", pw_hash: "not-our-hash", mail: "admin@example.com" },
      { account_id: Number(guest.id), login: guest.username, pw_hash: null, mail: null },
    ]);
    // And migrating again builds on the same table.
    expect((await gu.migrate()).applied).toEqual(MIGRATIONS);
  });

  it("creates guests as accounts rows with no password", async () => {
    const { gu, table, tablePrefix } = await setup();
    const user = await gu.createGuestUser();
    expect(typeof user.id).toBe("number");
    expect(user).toMatchObject({ isGuest: true, email: null });

    const rows = await accounts(gu, table);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      account_id: user.id,
      login: user.username,
      pw_hash: null,
      mail: null,
    });
    const { rows: guestRows } = await sql<{ user_id: unknown }>`select user_id
      from ${sql.table(`${tablePrefix}guests`)}`.execute(gu.db);
    expect(guestRows.map((r) => Number(r.user_id))).toEqual([user.id]);
    expect(await gu.getUser(user)).toMatchObject({
      id: user.id,
      username: user.username,
      isGuest: true,
      createdAt: null,
      lastLoginAt: null,
    });
    expect(await gu.getUser(1)).toMatchObject({ username: "app_admin", isGuest: false });
    // A guest can never log in with a password, whatever it types.
    expect(await gu.authenticate({ username: user.username, password: "" })).toBeNull();
  });

  it("validates sessions with one query joining accounts", async () => {
    const { gu, tablePrefix, table } = await setup();
    const { user, session } = await gu.createGuestSession();
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const counted = await fx.open({
      tablePrefix,
      users: accountsUsers(table),
      database: gu.db.withPlugin(counter),
    });
    queries = 0;

    const validated = await counted.validateSession(session.token);

    expect(validated?.user).toMatchObject({ id: user.id, username: user.username, isGuest: true });
    expect(validated?.refreshed).toBe(false);
    expect(queries).toBe(1);
    // An app account with a session of ours is a registered user.
    const admin = await counted.createSession(1);
    expect((await counted.validateSession(admin.token))?.user).toMatchObject({
      id: 1,
      username: "app_admin",
      email: "admin@example.com",
      isGuest: false,
    });
  });

  it("converts on the same account_id, and the account can log in", async () => {
    const { gu, table } = await setup();
    const { user, session } = await gu.createGuestSession();

    const converted = await gu.convert(user, form("ada_account"));

    expect(converted).toMatchObject({ id: user.id, username: "ada_account", isGuest: false });
    const row = (await accounts(gu, table)).find((a) => a.account_id === user.id);
    expect(row).toMatchObject({ login: "ada_account", mail: null });
    expect(row?.pw_hash).toMatch(/^\$scrypt\$/);
    expect(await accounts(gu, table)).toHaveLength(2);
    expect(await gu.isGuestUser(user)).toBe(false);
    expect(await gu.validateSession(session.token)).toBeNull();
    expect(await gu.authenticate({ username: "ada_account", password: PASSWORD })).toMatchObject({
      id: user.id,
      username: "ada_account",
    });
    expect(await gu.authenticate({ username: "ada_account", password: "wrong-pass-9" })).toBeNull();
    // The app's own account is taken: converting to its name is refused, nothing changes.
    const other = await gu.createGuestUser();
    await expect(gu.convert(other, form("app_admin"))).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    expect(await gu.getUser(other)).toMatchObject({ username: other.username, isGuest: true });
  });

  it("writes the email into the mapped column when the form gives one", async () => {
    const emailForm: ConvertForm<{ email: string; password: string }> = {
      schema: z.object({ email: z.string().email(), password: z.string().min(12) }),
      getCredentials: (value) => ({
        username: value.email,
        email: value.email,
        password: value.password,
      }),
    };
    const { gu, table } = await setup({ convertForm: emailForm as ConvertForm<unknown> });
    const user = await gu.createGuestUser();
    await gu.convert(user, { email: "grace@example.com", password: PASSWORD });
    expect((await accounts(gu, table)).find((a) => a.account_id === user.id)).toMatchObject({
      login: "grace@example.com",
      mail: "grace@example.com",
    });
    expect(
      await gu.authenticate({ username: "grace@example.com", password: PASSWORD }),
    ).toMatchObject({ id: user.id, email: "grace@example.com" });
  });

  it("deletes expired guest accounts and keeps registered ones", async () => {
    const clock = testClock();
    const { gu, table, tablePrefix } = await setup({ clock: clock.now, maxAge: DAY });
    const member = await gu.createUser(form("old_member"));
    const old = await Promise.all([1, 2, 3].map(() => gu.createGuestSession()));
    const convertedEarly = await gu.createGuestUser();
    await gu.convert(convertedEarly, form("converted_early"));
    clock.advance(2 * DAY);
    const fresh = await gu.createGuestUser();

    expect(await gu.stats()).toEqual({ guests: 4, expired: 3, kept: 0 });
    expect(await gu.deleteExpired({ batchSize: 2 })).toMatchObject({ deleted: 3, expired: 3 });

    expect((await accounts(gu, table)).map((a) => a.login).sort()).toEqual(
      ["app_admin", "converted_early", fresh.username, "old_member"].sort(),
    );
    for (const { user, session } of old) {
      expect(await gu.validateSession(session.token)).toBeNull();
      expect(await gu.getUser(user)).toBeNull();
    }
    const { rows } = await sql<{ n: unknown }>`select count(*) as n
      from ${sql.table(`${tablePrefix}sessions`)}`.execute(gu.db);
    expect(Number(rows[0]?.n)).toBe(0);
    expect(await gu.authenticate({ username: "old_member", password: PASSWORD })).toMatchObject({
      id: member.id,
    });
    expect(await gu.getUser(fresh)).toMatchObject({ isGuest: true });
  });

  it("refuses a column or table name that is not a plain identifier", () => {
    const bad = "drop table";
    const cases: [string, GuestUsersOptions["users"]][] = [
      ["users.columns.id", { table: "accounts", columns: { id: bad } }],
      ["users.columns.username", { table: "accounts", columns: { username: bad } }],
      ["users.columns.password", { table: "accounts", columns: { password: "pw;--" } }],
      ["users.columns.email", { table: "accounts", columns: { email: "mail`" } }],
      ["users.columns.createdAt", { table: "accounts", columns: { createdAt: "a b" } }],
      ["users.table", { table: "accounts; drop table accounts" }],
    ];
    for (const [option, users] of cases) {
      let error: unknown;
      try {
        createGuestUsers({ database: fx.database().url, users });
      } catch (caught) {
        error = caught;
      }
      expect(error, option).toBeInstanceOf(InvalidConfigError);
      expect(error).toMatchObject({ code: "INVALID_CONFIG", option });
      expect((error as Error).message).toContain(option);
    }
  });
});
