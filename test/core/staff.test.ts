/**
 * The staff flag (issue 17, finding 4): `is_staff` on the built-in users (migration
 * 009-staff), `User.isStaff` read in the session lookup's ONE query, `setStaff()` for
 * registered users only, a column mapping for an app's own users table, and
 * `getUserByUsername()` (what `guest-user staff` finds users by).
 */
import { sql } from "kysely";
import { expect, it, onTestFinished } from "vitest";
import { GuestUserError, type GuestUsers } from "../../src/index.ts";
import { accountsDdl, accountsUsers } from "../support/app-tables.ts";
import { countingKysely } from "../support/counting-kysely.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";

const register = (gu: GuestUsers, username: string) =>
  gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<GuestUserError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GuestUserError)) throw new Error(`expected a GuestUserError: ${error}`);
  return error;
}

/** The raw `is_staff` column of a built-in user, as a number (0 or 1). */
async function staffColumn(gu: GuestUsers, id: unknown): Promise<number> {
  const { rows } = await sql<{ flag: unknown }>`select is_staff as flag
    from ${sql.table(gu.settings.tables.users.table)} where id = ${id}`.execute(gu.db);
  return Number(rows[0]?.flag === true ? 1 : rows[0]?.flag === false ? 0 : rows[0]?.flag);
}

describeEachDatabase("the staff flag", (fx) => {
  it("is false for every user until granted; grant and revoke say whether they changed it", async () => {
    const gu = await fx.open({ tablePrefix: "st_flag_" });
    const ada = await register(gu, "ada");
    const guest = await gu.createGuestUser();
    expect(ada).toMatchObject({ isStaff: false, hasPassword: true });
    expect(guest).toMatchObject({ isStaff: false, hasPassword: false });
    expect(await staffColumn(gu, ada.id)).toBe(0);

    expect(await gu.setStaff(ada, true)).toBe(true);
    expect(await gu.setStaff(ada.id, true)).toBe(false);
    expect(await staffColumn(gu, ada.id)).toBe(1);
    expect(await gu.getUser(ada)).toMatchObject({ isStaff: true });
    expect(await gu.getUserByUsername("ADA")).toMatchObject({ id: ada.id, isStaff: true });

    expect(await gu.setStaff(ada, false)).toBe(true);
    expect(await gu.setStaff(ada, false)).toBe(false);
    expect(await gu.getUser(ada)).toMatchObject({ isStaff: false });
  });

  it("is read in the session lookup's ONE query", async () => {
    const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
    onTestFinished(() => kysely.destroy());
    const gu = await fx.open({ database: kysely, tablePrefix: "st_lookup_" });
    const ada = await register(gu, "ada");
    const { token } = await gu.createSession(ada.id);
    expect((await gu.validateSession(token))?.user).toMatchObject({ isStaff: false });
    await gu.setStaff(ada, true);
    queries.length = 0;
    const current = await gu.validateSession(token);
    expect(current?.user).toMatchObject({ id: ada.id, isStaff: true, hasPassword: true });
    expect(queries).toHaveLength(1);
  });

  it("is never a guest's: granting it is NOT_REGISTERED and changes nothing", async () => {
    const gu = await fx.open({ tablePrefix: "st_guest_" });
    const { user: guest, session } = await gu.createGuestSession();
    const refused = await rejection(gu.setStaff(guest, true));
    expect(refused.code).toBe("NOT_REGISTERED");
    expect(refused.message).toMatch(/guest is never staff/);
    expect(await staffColumn(gu, guest.id)).toBe(0);
    expect(await gu.setStaff(guest, false)).toBe(false);
    // Even a row set behind the library's back does not make a guest staff.
    await sql`update ${sql.table(gu.settings.tables.users.table)} set is_staff = ${
      fx.dialect === "postgres" ? true : 1
    } where id = ${guest.id}`.execute(gu.db);
    expect((await gu.validateSession(session.token))?.user.isStaff).toBe(false);
    expect((await gu.getUser(guest))?.isStaff).toBe(false);
  });

  it("refuses an unknown user and a value that is not a boolean", async () => {
    const gu = await fx.open({ tablePrefix: "st_bad_" });
    const missing = await rejection(gu.setStaff(987_654, true));
    expect(missing.code).toBe("USER_NOT_FOUND");
    const ada = await register(gu, "ada");
    const bad = await rejection(gu.setStaff(ada, "yes" as never));
    expect(bad.code).toBe("INVALID_CONFIG");
    expect(bad.message).toMatch(/true \(grant\) or false \(revoke\)/);
    expect(await gu.getUser(ada)).toMatchObject({ isStaff: false });
  });

  it("drops the user's cached sessions, so the change applies on the next request", async () => {
    const gu = await fx.open({
      tablePrefix: "st_cache_",
      sessionCache: { invalidation: "local", ttlMs: 3_600_000 },
    });
    const ada = await register(gu, "ada");
    const { token } = await gu.createSession(ada.id);
    expect((await gu.validateSession(token))?.user.isStaff).toBe(false);
    await gu.setStaff(ada, true);
    expect((await gu.validateSession(token))?.user.isStaff).toBe(true);
    await gu.setStaff(ada, false);
    expect((await gu.validateSession(token))?.user.isStaff).toBe(false);
  });

  it("finds users by username without regard to case, with their guest flag, or null", async () => {
    const gu = await fx.open({ tablePrefix: "st_find_" });
    const grace = await register(gu, "Grace");
    const guest = await gu.createGuestUser();
    expect(await gu.getUserByUsername("gRACE")).toMatchObject({ id: grace.id, isGuest: false });
    expect(await gu.getUserByUsername(guest.username)).toMatchObject({
      id: guest.id,
      isGuest: true,
    });
    expect(await gu.getUserByUsername("nobody")).toBeNull();
    expect(await gu.getUserByUsername("")).toBeNull();
    expect(await gu.getUserByUsername("Gr\u0000ace")).toBeNull();
  });
});

describeEachDatabase("the staff flag on an app's own users table", (fx) => {
  async function appTable(table: string, withFlag: boolean) {
    const admin = await fx.open({ tablePrefix: `${table}_setup_` });
    await accountsDdl(fx.dialect, table).execute(admin.db);
    if (withFlag) {
      const type = fx.dialect === "postgres" ? sql`boolean` : sql`smallint`;
      const no = fx.dialect === "postgres" ? sql`false` : sql`0`;
      await sql`alter table ${sql.table(table)} add column staff ${type} not null default ${no}`.execute(
        admin.db,
      );
    }
    return admin;
  }

  it("unmapped: nobody is staff, and setStaff names the option to map", async () => {
    await appTable("st_plain_accounts", false);
    const gu = await fx.open({
      tablePrefix: "st_plain_",
      users: accountsUsers("st_plain_accounts"),
    });
    const ada = await register(gu, "ada");
    const { token } = await gu.createSession(ada.id);
    expect((await gu.validateSession(token))?.user).toMatchObject({ isStaff: false });
    const refused = await rejection(gu.setStaff(ada, true));
    expect(refused.code).toBe("INVALID_CONFIG");
    expect(refused.message).toMatch(/users\.columns\.isStaff/);
  });

  it("mapped with users.columns.isStaff: read in the lookup, set by setStaff", async () => {
    await appTable("st_mapped_accounts", true);
    const users = accountsUsers("st_mapped_accounts");
    const gu = await fx.open({
      tablePrefix: "st_mapped_",
      users: { ...users, columns: { ...users?.columns, isStaff: "staff" } },
    });
    const ada = await register(gu, "ada");
    const { token } = await gu.createSession(ada.id);
    expect(await gu.setStaff(ada, true)).toBe(true);
    expect((await gu.validateSession(token))?.user).toMatchObject({ isStaff: true });
    const guest = await gu.createGuestUser();
    expect((await rejection(gu.setStaff(guest, true))).code).toBe("NOT_REGISTERED");
    expect(await gu.setStaff(ada, false)).toBe(true);
    expect((await gu.getUser(ada))?.isStaff).toBe(false);
  });
});
