/**
 * `guest-user migrate` (and `stats`, `delete-expired`) report the cause of a failure with its
 * own code, on the real servers: a missing database, an unknown role or user, a missing SQLite
 * directory, a missing driver. Nothing is created: the names used do not exist.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { availableDialects, SERVER_URLS } from "../support/databases.ts";
import { cli, spawnCli, urlWith } from "./support.ts";

const available = availableDialects();
const missing = (stem: string) => `gu_${stem}_${randomBytes(5).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "guest-user-cli-dberr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = ["migrate", "stats", "delete-expired"] as const;

/** Runs every command on `database`; each must fail with exactly `line` on stderr. */
async function expectEach(database: string, line: string | RegExp) {
  for (const command of COMMANDS) {
    const result = await cli([command, "--database", database]);
    expect(result.code, command).toBe(1);
    expect(result.stdout, command).toBe("");
    if (typeof line === "string") expect(result.stderr, command).toBe(`${line}\n`);
    else expect(result.stderr, command).toMatch(line);
  }
}

describe("guest-user reports why the database cannot be used", () => {
  it.runIf(available.includes("postgres"))(
    "PostgreSQL: a missing database, with createdb",
    async () => {
      const name = missing("nodb");
      await expectEach(
        urlWith(SERVER_URLS.postgres, name),
        `error [DATABASE_UNAVAILABLE]: The database "${name}" does not exist: create it with \`createdb ${name}\`, or point the \`database\` option or DATABASE_URL at an existing one.`,
      );
    },
  );

  it.runIf(available.includes("postgres"))(
    "PostgreSQL: an unknown role, with createuser",
    async () => {
      const role = missing("norole");
      await expectEach(
        urlWith(SERVER_URLS.postgres, "test", role),
        `error [DATABASE_UNAVAILABLE]: The database server refused the login (role "${role}" does not exist): create the role with \`createuser ${role}\`, or fix the user name and password in the \`database\` option or DATABASE_URL.`,
      );
    },
  );

  it.runIf(available.includes("mysql"))(
    "MariaDB: a missing database, with CREATE DATABASE",
    async () => {
      const name = missing("nodb");
      await expectEach(
        urlWith(SERVER_URLS.mysql, name),
        `error [DATABASE_UNAVAILABLE]: The database "${name}" does not exist: create it with \`CREATE DATABASE ${name}\`, or point the \`database\` option or DATABASE_URL at an existing one.`,
      );
    },
  );

  it.runIf(available.includes("mysql"))(
    "MariaDB: an unknown user, without repeating the password",
    async () => {
      const user = missing("nouser");
      const password = `pw-${randomBytes(8).toString("hex")}`;
      await expectEach(
        urlWith(SERVER_URLS.mysql, "test", user, password),
        new RegExp(
          `^error \\[DATABASE_UNAVAILABLE\\]: The database server refused the login \\(Access denied for user '${user}'[^\\n]*\\): fix the user name and password[^\\n]*\\n$`,
        ),
      );
      const result = await cli(["migrate"], {
        env: { DATABASE_URL: urlWith(SERVER_URLS.mysql, "test", user, password) },
      });
      expect(result.stderr).toMatch(/^error \[DATABASE_UNAVAILABLE\]: The database server refused/);
      expect(result.stderr).not.toContain(password);
    },
  );

  it("SQLite: a missing directory, named; nothing is created", async () => {
    const parent = join(dir, missing("nodir"));
    await expectEach(
      `sqlite:${join(parent, "app.sqlite3")}`,
      `error [DATABASE_UNAVAILABLE]: The directory ${parent} of the SQLite database does not exist: create it (\`mkdir -p ${parent}\`) or fix the path in the \`database\` option or DATABASE_URL.`,
    );
    expect(existsSync(parent)).toBe(false);
  });

  it("a migration's own failure names the migration", async () => {
    const file = join(dir, "clash.sqlite3");
    const { default: Database } = await import("better-sqlite3");
    const handle = new Database(file);
    handle.exec("create table guest_user_guests (something text)");
    handle.close();
    const result = await cli(["migrate", "--database", `sqlite:${file}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[MIGRATION_FAILED\]: Migration 001-initial failed: [^\n]+ Fix the cause and run `guest-user migrate` again; applied migrations are not repeated\.\n$/,
    );
  });

  it("the real executable says DRIVER_MISSING when pg is not installed", async () => {
    // A module hook that makes `import("pg")` fail as it does where pg is not installed.
    const hooks = join(dir, "no-pg-hooks.mjs");
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (specifier === "pg") {
    throw Object.assign(new Error("Cannot find package 'pg'"), { code: "ERR_MODULE_NOT_FOUND" });
  }
  return next(specifier, context);
}
`,
    );
    const register = join(dir, "no-pg.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    for (const command of ["migrate", "stats"]) {
      const result = await spawnCli([command, "--database", "postgres://127.0.0.1:1/x"], {
        env: { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` },
      });
      expect(result, command).toMatchObject({
        code: 1,
        stdout: "",
        stderr: "error [DRIVER_MISSING]: PostgreSQL needs the pg package: run `npm install pg`.\n",
      });
    }
  });
});
