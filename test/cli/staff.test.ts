/**
 * `guest-user staff grant|revoke <username>` (issue 17, finding 4): the staff flag from the
 * command line, with the exit codes of the other commands (0 done, 1 failed, 2 usage).
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { mysqlQuirks } from "../../src/store/dialects/mysql.ts";
import { postgresQuirks } from "../../src/store/dialects/postgres.ts";
import { sqliteQuirks } from "../../src/store/dialects/sqlite.ts";
import { usernameFoldMigration } from "../../src/store/migrations/010-username-fold.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { cli } from "./support.ts";

const PASSWORD = "Zebra-Quantum-77!";

describeEachDatabase("cli staff", (fx) => {
  const args = (prefix: string) => ["--database", fx.database().url, "--table-prefix", prefix];

  it("grants and revokes the flag, finding the user without regard to case", async () => {
    const gu = await fx.open({ tablePrefix: "cs_grant_" });
    const ada = await gu.createUser({ username: "Ada", password1: PASSWORD, password2: PASSWORD });
    expect(await cli(["staff", "grant", "ada", ...args("cs_grant_")])).toEqual({
      code: 0,
      stdout: '"Ada" is now staff: they may use the guest admin.\n',
      stderr: "",
    });
    expect(await gu.getUser(ada)).toMatchObject({ isStaff: true });
    expect((await cli(["staff", "grant", "ADA", ...args("cs_grant_")])).stdout).toBe(
      '"Ada" is already staff.\n',
    );
    expect(await cli(["staff", "revoke", "Ada", ...args("cs_grant_")])).toEqual({
      code: 0,
      stdout: '"Ada" is no longer staff.\n',
      stderr: "",
    });
    expect(await gu.getUser(ada)).toMatchObject({ isStaff: false });
    expect((await cli(["staff", "revoke", "ada", ...args("cs_grant_")])).stdout).toBe(
      '"Ada" was not staff.\n',
    );
  });

  it("fails with exit 1 for an unknown user or a guest, changing nothing", async () => {
    const gu = await fx.open({ tablePrefix: "cs_refuse_" });
    const unknown = await cli(["staff", "grant", "nobody", ...args("cs_refuse_")]);
    expect(unknown).toEqual({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/^error \[USER_NOT_FOUND\]: No user named "nobody": [^\n]+\n$/),
    });
    const guest = await gu.createGuestUser();
    const refused = await cli(["staff", "grant", guest.username, ...args("cs_refuse_")]);
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/^error \[NOT_REGISTERED\]: .*guest is never staff[^\n]*\n$/),
    });
    expect(await gu.getUser(guest)).toMatchObject({ isGuest: true, isStaff: false });
  });

  it("asks for migrate on tables that are missing or lack the staff column", async () => {
    const missing = await cli(["staff", "grant", "ada", ...args("cs_none_")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/tables are missing .*run `guest-user migrate` first\n$/);

    const gu = await fx.open({ tablePrefix: "cs_old_" });
    await gu.createUser({ username: "ada", password1: PASSWORD, password2: PASSWORD });
    // As a database migrated before 009-staff is (so before 010-username-fold too).
    const { table } = gu.settings.tables.users;
    const quirks = { sqlite: sqliteQuirks, postgres: postgresQuirks, mysql: mysqlQuirks }[
      fx.dialect
    ];
    await usernameFoldMigration(gu.settings.tables, quirks).down?.(gu.db);
    await sql`alter table ${sql.table(table)} drop column is_staff`.execute(gu.db);
    await sql`delete from ${sql.table(gu.settings.tables.migrations)}
      where name in ('009-staff', '010-username-fold', '011-continue-links', '012-quota-funnel')`.execute(
      gu.db,
    );
    const outdated = await cli(["staff", "grant", "ada", ...args("cs_old_")]);
    expect(outdated.code).toBe(1);
    expect(outdated.stderr).toMatch(
      /^error \[SCHEMA_MISSING\]: the guest-user tables are out of date \(.*is_staff.*\): run `guest-user migrate` first\n$/,
    );
    expect((await cli(["migrate", ...args("cs_old_")])).stdout).toBe(
      "Applied 009-staff\nApplied 010-username-fold\nApplied 011-continue-links\nApplied 012-quota-funnel\n",
    );
    expect((await cli(["staff", "grant", "ada", ...args("cs_old_")])).code).toBe(0);
  });
});

describe("cli staff arguments", () => {
  it.each([
    [["staff"], "staff needs an action: guest-user staff grant|revoke USERNAME"],
    [["staff", "grnat", "ada"], 'unknown staff action "grnat" (did you mean "grant"?)'],
    [["staff", "revok", "ada"], 'unknown staff action "revok" (did you mean "revoke"?)'],
    [["staff", "promote", "ada"], 'unknown staff action "promote": guest-user staff'],
    [["staff", "grant"], "staff grant needs a USERNAME"],
    [["staff", "grant", " "], "staff grant needs a USERNAME"],
    [["staff", "grant", "ada", "grace"], 'unexpected argument "grace"'],
    [["staff", "grant", "ada", "--json"], "staff does not take --json"],
    [["stafff", "grant", "ada"], 'unknown command "stafff" (did you mean "staff"?)'],
  ])("%j exits 2 with a one-line message, before any database", async (argv, message) => {
    const result = await cli([...argv, "--database", "postgres://127.0.0.1:1/unreachable"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/^guest-user: [^\n]+\n$/);
  });

  it("is in the help", async () => {
    const { stdout } = await cli(["--help"]);
    expect(stdout).toMatch(/^ {2}staff grant\|revoke USERNAME {2,}\S/m);
  });
});
