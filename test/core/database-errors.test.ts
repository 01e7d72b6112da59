/**
 * `migrate()` (and every other call) keeps the cause of a failure: a missing database, a
 * refused login, a missing SQLite directory and a missing driver each get their own code or
 * reason and a message naming the fix, on the real servers. Nothing here creates a database,
 * a role or a directory: the names used do not exist.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  createGuestUsers,
  DatabaseUnavailableError,
  GuestUserError,
  type GuestUsers,
} from "../../src/index.ts";
import { urlWith } from "../cli/support.ts";
import { availableDialects, SERVER_URLS } from "../support/databases.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

const available = availableDialects();
const missing = (stem: string) => `gu_${stem}_${randomBytes(5).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "guest-user-dberr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `body` rejects with, after closing the GuestUsers it was given. */
async function failure(database: string, body: (gu: GuestUsers) => Promise<unknown>) {
  const gu = createGuestUsers({ database, passwordHashing: FAST_HASHING });
  try {
    const outcome = await body(gu).then(
      () => new Error("expected a failure"),
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(GuestUserError);
    return outcome as GuestUserError;
  } finally {
    await gu.close();
  }
}

const CALLS = {
  migrate: (gu: GuestUsers) => gu.migrate(),
  createGuestUser: (gu: GuestUsers) => gu.createGuestUser(),
  stats: (gu: GuestUsers) => gu.stats(),
};

describe.each(Object.entries(CALLS))("%s keeps the cause of a failure", (_name, call) => {
  it.runIf(available.includes("postgres"))(
    "PostgreSQL: a missing database says so and how to create it",
    async () => {
      const name = missing("nodb");
      const error = await failure(urlWith(SERVER_URLS.postgres, name), call);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "database-missing" });
      expect(error.message).toBe(
        `The database "${name}" does not exist: create it with \`createdb ${name}\`, or point the \`database\` option or DATABASE_URL at an existing one.`,
      );
    },
  );

  it.runIf(available.includes("postgres"))(
    "PostgreSQL: an unknown role says so (not MIGRATION_FAILED, not 'check that the server runs')",
    async () => {
      const role = missing("norole");
      const error = await failure(urlWith(SERVER_URLS.postgres, "test", role), call);
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "access-denied" });
      expect(error.message).toContain(`role "${role}" does not exist`);
      expect(error.message).toContain(`\`createuser ${role}\``);
      expect(error.message).not.toMatch(/server runs|Migration/);
    },
  );

  it.runIf(available.includes("mysql"))(
    "MariaDB: a missing database says so and how to create it",
    async () => {
      const name = missing("nodb");
      const error = await failure(urlWith(SERVER_URLS.mysql, name), call);
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "database-missing" });
      expect(error.message).toBe(
        `The database "${name}" does not exist: create it with \`CREATE DATABASE ${name}\`, or point the \`database\` option or DATABASE_URL at an existing one.`,
      );
    },
  );

  it.runIf(available.includes("mysql"))(
    "MariaDB: an unknown user is a refused login, without its password",
    async () => {
      const user = missing("nouser");
      const password = `pw-${randomBytes(8).toString("hex")}`;
      const error = await failure(urlWith(SERVER_URLS.mysql, "test", user, password), call);
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "access-denied" });
      expect(error.message).toMatch(/^The database server refused the login \(Access denied/);
      expect(error.message).toContain(user);
      expect(error.message).not.toContain(password);
    },
  );

  it("SQLite: a missing directory is named, and not created", async () => {
    const parent = join(dir, missing("nodir"));
    const error = await failure(`sqlite:${join(parent, "app.sqlite3")}`, call);
    expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "directory-missing" });
    expect(error.message).toBe(
      `The directory ${parent} of the SQLite database does not exist: create it (\`mkdir -p ${parent}\`) or fix the path in the \`database\` option or DATABASE_URL.`,
    );
    expect(existsSync(parent)).toBe(false);
  });
});

describe("migrate()", () => {
  it("names the migration whose SQL failed (MIGRATION_FAILED)", async () => {
    const file = join(dir, "clash.sqlite3");
    const { default: Database } = await import("better-sqlite3");
    const handle = new Database(file);
    // An app table in the way of ours: 001-initial's index on it cannot be made.
    handle.exec("create table guest_user_guests (something text)");
    handle.close();
    const error = await failure(`sqlite:${file}`, (gu) => gu.migrate());
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(/^Migration 001-initial failed: .+ Fix the cause and run/);
  });

  it("reports an unreachable server as DATABASE_UNAVAILABLE, not MIGRATION_FAILED", async () => {
    for (const url of ["postgres://postgres@127.0.0.1:1/x", "mysql://root@127.0.0.1:1/x"]) {
      const error = await failure(url, (gu) => gu.migrate());
      expect(error, url).toMatchObject({ code: "DATABASE_UNAVAILABLE", reason: "unreachable" });
      expect(error.message, url).toMatch(/check that the server runs/);
    }
  });

  it("keeps DRIVER_MISSING when the driver is not installed", async () => {
    vi.resetModules();
    vi.doMock("better-sqlite3", () => {
      throw Object.assign(new Error("Cannot find package 'better-sqlite3'"), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    });
    try {
      const fresh = await import("../../src/index.ts");
      const file = join(dir, "driverless.sqlite3");
      writeFileSync(file, "");
      const gu = fresh.createGuestUsers({ database: `sqlite:${file}` });
      const error = await gu.migrate().catch((caught: unknown) => caught);
      await gu.close();
      expect(error).toMatchObject({
        code: "DRIVER_MISSING",
        message: "SQLite needs the better-sqlite3 package: run `npm install better-sqlite3@12`.",
      });
    } finally {
      vi.doUnmock("better-sqlite3");
      vi.resetModules();
    }
  });
});
