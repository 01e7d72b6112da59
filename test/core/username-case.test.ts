import { sql } from "kysely";
import { expect, it } from "vitest";
import { type GuestUsers, type GuestUsersOptions, ValidationError } from "../../src/index.ts";
import { usernameKey } from "../../src/store/username-case.ts";
import { autoIncrementId } from "../support/app-tables.ts";
import type { DialectName } from "../support/databases.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const TAKEN = { username: ["A user with that username already exists."] };
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });

/** The field errors of a rejected call (or a failure when it did not reject that way). */
async function fieldErrors(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors;
}

/** An app's own users table, case-sensitive on SQLite and PostgreSQL: no index on lower(). */
async function appUsersTable(gu: GuestUsers, dialect: DialectName, table: string) {
  const id = autoIncrementId(dialect);
  await sql`create table ${sql.table(table)} (
    account_id ${id}, login varchar(150) unique not null, pw_hash varchar(255) null)`.execute(
    gu.db,
  );
}

const appUsers = (table: string): GuestUsersOptions["users"] => ({
  table,
  columns: {
    id: "account_id",
    username: "login",
    password: "pw_hash",
    email: null,
    createdAt: null,
    lastLoginAt: null,
  },
});

describeEachDatabase("usernames without regard to case", (fx) => {
  it("refuses at sign-up a name that differs only in case or NFKC form", async () => {
    const gu = await fx.open({ tablePrefix: "case_a_" });
    const ada = await gu.createUser(form("Ada"));
    for (const name of ["ada", "ADA", "ＡＤＡ", "ａｄａ"]) {
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(TAKEN);
    }
    // Stored NFKC-normalized: a fullwidth sign-up keeps its case, loses its width.
    expect(await gu.createUser(form("Ｇｒａｃｅ"))).toMatchObject({ username: "Grace" });
    expect(await gu.getUser(ada)).toMatchObject({ username: "Ada" });
  });

  it("refuses at conversion, and lets a guest keep its own name in another case", async () => {
    const gu = await fx.open({ tablePrefix: "case_b_" });
    await gu.createUser(form("Ada"));
    const guest = await gu.createGuestUser({ username: "Visitor42" });
    for (const name of ["ada", "ＡＤＡ"]) {
      expect(await fieldErrors(gu.convert(guest, form(name))), name).toEqual(TAKEN);
    }
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(await gu.convert(guest, form("visitor42"))).toMatchObject({
      id: guest.id,
      username: "visitor42",
    });
  });

  it("logs in whatever the case or width typed", async () => {
    const gu = await fx.open({ tablePrefix: "case_c_" });
    const ada = await gu.createUser(form("Ada"));
    for (const name of ["Ada", "ada", "ADA", "ＡＤＡ"]) {
      expect(await gu.authenticate({ username: name, password: PASSWORD }), name).toMatchObject({
        id: ada.id,
        username: "Ada",
      });
    }
    expect(await gu.authenticate({ username: "adam", password: PASSWORD })).toBeNull();
    expect(await gu.authenticate({ username: "ADA", password: "wrong-pass-9" })).toBeNull();
  });

  it("compares letters beyond ASCII too (SQLite's lower() folds ASCII only)", async () => {
    const gu = await fx.open({ tablePrefix: "case_d_" });
    const jurgen = await gu.createUser(form("Jürgen"));
    const sasha = await gu.createUser(form("александр"));
    for (const name of ["jürgen", "JÜRGEN", "ＪÜＲＧＥＮ"]) {
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(TAKEN);
      expect(await gu.authenticate({ username: name, password: PASSWORD })).toMatchObject({
        id: jurgen.id,
      });
    }
    for (const name of ["Александр", "АЛЕКСАНДР"]) {
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(TAKEN);
      expect(await gu.authenticate({ username: name, password: PASSWORD })).toMatchObject({
        id: sasha.id,
      });
    }
  });

  it("is enforced by the database on the built-in users table", async () => {
    const gu = await fx.open({ tablePrefix: "case_e_" });
    const insert = (name: string) =>
      sql`insert into case_e_users (username, username_key, created_at)
        values (${name}, ${usernameKey(name)}, 0)`.execute(gu.db);
    await insert("Ada");
    await expect(insert("ada")).rejects.toSatisfy((error) => isUniqueViolation(fx.dialect, error));
    await expect(insert("ADA")).rejects.toSatisfy((error) => isUniqueViolation(fx.dialect, error));
    await insert("Adam");
  });

  it("looks usernames up through an index", async () => {
    const gu = await fx.open({ tablePrefix: "case_f_" });
    // The built-in table: by the folded key's unique index, on every database.
    await gu.createUser(form("Ada"));
    await gu.createUser(form("Bob"));
    const lookup = sql`select id from case_f_users as u where u.username_key = ${"ada"}`;
    if (fx.dialect === "sqlite") {
      const { rows } = await sql<{ detail: string }>`explain query plan ${lookup}`.execute(gu.db);
      expect(rows.map((r) => r.detail).join("\n")).toContain("case_f_users_username_key_idx");
    } else if (fx.dialect === "postgres") {
      const plan = await gu.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const { rows } = await sql<{ "QUERY PLAN": string }>`explain ${lookup}`.execute(trx);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
      expect(plan).toContain("case_f_users_username_key_idx");
    } else {
      const { rows } = await sql<{ key: string | null }>`explain ${lookup}`.execute(gu.db);
      expect(rows[0]?.key).toBe("case_f_users_username_key_idx");
    }
  });

  it("refuses to migrate while names that differ only in case exist, naming them", async () => {
    const admin = await fx.open({ tablePrefix: "case_i_admin_" });
    await builtInUsersTable(admin, fx.dialect, "case_i_users", "binary");
    await sql`insert into case_i_users (username, created_at)
      values ('Ada', 0), ('ada', 0), ('Bob', 0)`.execute(admin.db);
    const error = await fx.open({ tablePrefix: "case_i_" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "MIGRATION_FAILED" });
    expect((error as Error).message).toMatch(/002-username-case.*differ only in case.*"Ada"/);
    await sql`update case_i_users set username = 'ada2' where username = 'ada'`.execute(admin.db);
    const gu = await fx.open({ tablePrefix: "case_i_" });
    expect(await fieldErrors(gu.createUser(form("ADA2")))).toEqual(TAKEN);
  });

  it("makes a case-sensitive MariaDB/MySQL column case-insensitive", async () => {
    if (fx.dialect !== "mysql") return;
    const admin = await fx.open({ tablePrefix: "case_j_admin_" });
    await builtInUsersTable(admin, fx.dialect, "case_j_users", "binary");
    await sql`insert into case_j_users (username, created_at) values ('Ada', 0)`.execute(admin.db);
    const gu = await fx.open({ tablePrefix: "case_j_" });
    const { rows } = await sql<{ collation: string }>`select collation_name as collation
      from information_schema.columns where table_schema = database()
      and table_name = 'case_j_users' and column_name = 'username'`.execute(gu.db);
    expect(rows[0]?.collation).toBe("utf8mb4_unicode_ci");
    expect(await fieldErrors(gu.createUser(form("ADA")))).toEqual(TAKEN);
    const insert = sql`insert into case_j_users (username, username_key, created_at)
      values ('aDA', 'ada', 0)`;
    await expect(insert.execute(gu.db)).rejects.toMatchObject({ code: "ER_DUP_ENTRY" });
  });

  it("checks an app's own users table in the library, even without a unique lower() index", async () => {
    const gu = await fx.open({ tablePrefix: "case_g_" });
    await appUsersTable(gu, fx.dialect, "case_accounts");
    const app = await fx.open({ tablePrefix: "case_g_app_", users: appUsers("case_accounts") });
    const ada = await app.createUser(form("Ada"));
    expect(await fieldErrors(app.createUser(form("ADA")))).toEqual(TAKEN);
    const guest = await app.createGuestUser();
    expect(await fieldErrors(app.convert(guest, form("ａｄａ")))).toEqual(TAKEN);
    expect(await app.authenticate({ username: "aDa", password: PASSWORD })).toMatchObject({
      id: ada.id,
    });
  });

  it("prefers the exact spelling when an app's table already holds several", async () => {
    if (fx.dialect === "mysql") return; // its case-insensitive collation allows no such rows
    const gu = await fx.open({ tablePrefix: "case_h_" });
    await appUsersTable(gu, fx.dialect, "case_accounts_h");
    const app = await fx.open({ tablePrefix: "case_h_app_", users: appUsers("case_accounts_h") });
    const lower = await app.createUser(form("bob"));
    await sql`insert into case_accounts_h (login, pw_hash) values ('Bob', 'x')`.execute(gu.db);
    expect(await app.authenticate({ username: "bob", password: PASSWORD })).toMatchObject({
      id: lower.id,
    });
  });
});

/**
 * The built-in users table as 001-initial makes it, made beforehand (so the migrations find
 * it), with a case-sensitive username column on MariaDB/MySQL when asked.
 */
async function builtInUsersTable(
  gu: GuestUsers,
  dialect: DialectName,
  table: string,
  collation: "default" | "binary",
) {
  const id = autoIncrementId(dialect);
  const binary = dialect === "mysql" && collation === "binary" ? sql`collate utf8mb4_bin` : sql``;
  await sql`create table ${sql.table(table)} (
    id ${id}, username varchar(150) ${binary} not null unique, password varchar(255),
    email varchar(254), created_at bigint not null, last_login_at bigint)`.execute(gu.db);
}

function isUniqueViolation(dialect: DialectName, error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (dialect === "sqlite") return code === "SQLITE_CONSTRAINT_UNIQUE";
  if (dialect === "postgres") return code === "23505";
  return code === "ER_DUP_ENTRY";
}
