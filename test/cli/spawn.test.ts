import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/guest-users.ts";
import { APPLIED_ALL, seed, spawnCli, statsJson, statsText } from "./support.ts";

// The real executable, as `npm run guest-user -- ...` runs it: `node --import tsx src/cli/main.ts`.

describeEachDatabase("cli executable", (fx) => {
  it("migrates, counts and deletes through a child process", async () => {
    const url = fx.database().url;
    expect(await spawnCli(["migrate", "--database", url])).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "",
    });
    await seed(fx, "guest_user_");
    expect(await spawnCli(["stats", "--json"], { env: { DATABASE_URL: url } })).toEqual({
      code: 0,
      stdout: statsJson(5, 3),
      stderr: "",
    });
    expect(await spawnCli(["delete-expired", "--database", url, "--batch-size", "2"])).toEqual({
      code: 0,
      stdout: "Deleted 3 expired guests (and 1 expired session).\n",
      stderr: "",
    });
  });
});

describe("cli executable", () => {
  it("exits 1 with a one-line DATABASE_UNAVAILABLE error for an unreachable server", async () => {
    const result = await spawnCli(["stats", "--database", "postgres://127.0.0.1:1/x"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error \[DATABASE_UNAVAILABLE\]: [^\n]+\n$/);
  });

  it("exits 2 for a bad flag", async () => {
    const result = await spawnCli(["delete-expired", "--batch-size", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^guest-user: --batch-size expects a positive integer[^\n]*\n$/);
  });

  it("prints the version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    expect(await spawnCli(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("defaults to guest-user.sqlite3 in the working directory", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "guest-user-cwd-"));
    try {
      const refused = await spawnCli(["stats"], { cwd });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("run `guest-user migrate` first");
      expect(existsSync(join(cwd, "guest-user.sqlite3"))).toBe(false);
      expect((await spawnCli(["migrate"], { cwd })).stdout).toEqual(APPLIED_ALL);
      expect(existsSync(join(cwd, "guest-user.sqlite3"))).toBe(true);
      expect((await spawnCli(["stats"], { cwd })).stdout).toEqual(statsText(0, 0));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
