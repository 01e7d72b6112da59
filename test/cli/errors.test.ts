import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMissingTable } from "../../src/store/driver-errors.ts";
import { cli } from "./support.ts";

const dir = mkdtempSync(join(tmpdir(), "guest-user-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string) {
  expect(stderr).toMatch(/^[^\n]+\n$/);
  expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
}

describe("cli errors", () => {
  it.each([["postgres://127.0.0.1:1/x"], ["mysql://127.0.0.1:1/x"]])(
    "reports an unreachable database (%s) as DATABASE_UNAVAILABLE, exit 1",
    async (url) => {
      for (const command of ["migrate", "stats", "delete-expired"]) {
        const result = await cli([command, "--database", url]);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toMatch(/^error \[DATABASE_UNAVAILABLE\]: /);
        expectOneLine(result.stderr);
      }
    },
  );

  it("reports an unreachable DATABASE_URL the same way", async () => {
    const result = await cli(["stats"], { env: { DATABASE_URL: "postgres://127.0.0.1:1/x" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[DATABASE_UNAVAILABLE\]: /);
  });

  it("reports bad configuration as INVALID_CONFIG, exit 1", async () => {
    const scheme = await cli(["migrate", "--database", "oracle://db/app"]);
    expect(scheme.code).toBe(1);
    expect(scheme.stderr).toMatch(/^error \[INVALID_CONFIG\]: .*`database`/);
    expectOneLine(scheme.stderr);
    const prefix = await cli([
      "migrate",
      "--database",
      `sqlite:${join(dir, "x.sqlite3")}`,
      "--table-prefix",
      "no-dashes",
    ]);
    expect(prefix.code).toBe(1);
    expect(prefix.stderr).toMatch(/^error \[INVALID_CONFIG\]: .*`tablePrefix`/);
  });

  it("does not create a missing SQLite file for stats or delete-expired", async () => {
    const file = join(dir, "missing.sqlite3");
    for (const command of ["stats", "delete-expired"]) {
      const result = await cli([command, "--database", `sqlite:${file}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error [SCHEMA_MISSING]: the guest-user tables are missing (no SQLite database at ${file}): run \`guest-user migrate\` first\n`,
      );
    }
    expect(existsSync(file)).toBe(false);
    expect((await cli(["migrate", "--database", `sqlite:${file}`])).code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it("recognises every dialect's missing-table error", () => {
    expect(isMissingTable(new Error("no such table: guest_user_guests"))).toBe(true);
    expect(isMissingTable(Object.assign(new Error("x"), { code: "42P01" }))).toBe(true);
    expect(isMissingTable(Object.assign(new Error("x"), { code: "ER_NO_SUCH_TABLE" }))).toBe(true);
    expect(isMissingTable(Object.assign(new Error("x"), { errno: 1146 }))).toBe(true);
    expect(isMissingTable(new Error("wrapped", { cause: new Error("no such table: t") }))).toBe(
      true,
    );
    expect(isMissingTable(new Error('database "x" does not exist'))).toBe(false);
    expect(isMissingTable(new Error("connect ECONNREFUSED"))).toBe(false);
    expect(isMissingTable(null)).toBe(false);
  });
});
