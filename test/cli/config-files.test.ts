import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/cli/config.ts";
import { report } from "../../src/cli/report.ts";
import { GuestUserError } from "../../src/index.ts";
import {
  APPLIED_ALL,
  captured,
  cli,
  spawnCli,
  statsJson,
  statsText,
  writeConfig,
} from "./support.ts";

// Finding and loading the config module: auto-discovery, .mjs/.js/.ts, functions, and every
// way a config file can be wrong (one line on stderr, exit 1, never a stack trace).

const root = mkdtempSync(join(tmpdir(), "guest-user-cli-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh working directory, and a SQLite URL inside it. */
function workdir() {
  const cwd = join(root, `w${++dirs}`);
  mkdirSync(cwd);
  return { cwd, url: `sqlite:${join(cwd, "app.sqlite3")}` };
}

const THROWS = { source: 'throw new Error("the wrong config was loaded");\n' };

function expectOneLine(stderr: string) {
  expect(stderr).toMatch(/^[^\n]+\n$/);
  expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
}

describe("cli config files", () => {
  it("finds guest-user.config.mjs in the working directory", async () => {
    const { cwd, url } = workdir();
    writeConfig(cwd, "guest-user.config.mjs", { options: { database: url, tablePrefix: "auto_" } });
    expect(await cli(["migrate"], { cwd })).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "Using config ./guest-user.config.mjs\n",
    });
    // The prefix came from the config: a flag for another prefix finds no tables.
    expect((await cli(["stats", "--json"], { cwd })).stdout).toEqual(statsJson(0, 0));
    expect((await cli(["stats", "--table-prefix", "other_"], { cwd })).code).toBe(1);
  });

  it("finds guest-user.config.ts (through jiti) before .js and .mjs, and .js before .mjs", async () => {
    const { cwd, url } = workdir();
    writeConfig(cwd, "guest-user.config.ts", {
      source: `interface Options { database: string; tablePrefix: string; expireBy: "lastSeenAt" }
const prefix: string = "ts_";
export default async (): Promise<Options> => ({
  database: ${JSON.stringify(url)},
  tablePrefix: prefix,
  expireBy: "lastSeenAt",
});
`,
    });
    writeConfig(cwd, "guest-user.config.js", THROWS);
    writeConfig(cwd, "guest-user.config.mjs", THROWS);
    expect(await cli(["migrate"], { cwd })).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "Using config ./guest-user.config.ts\n",
    });
    expect(await cli(["stats", "--table-prefix", "ts_", "--database", url], { cwd })).toEqual({
      code: 0,
      stdout: statsText(0, 0),
      stderr: "Using config ./guest-user.config.ts\n",
    });

    const js = workdir();
    writeConfig(js.cwd, "package.json", { source: '{ "type": "module" }\n' });
    writeConfig(js.cwd, "guest-user.config.js", { options: { database: js.url } });
    writeConfig(js.cwd, "guest-user.config.mjs", THROWS);
    expect((await cli(["migrate"], { cwd: js.cwd })).stderr).toBe(
      "Using config ./guest-user.config.js\n",
    );
  });

  it("takes --config relative to the working directory, and functions, sync or async", async () => {
    const { cwd, url } = workdir();
    mkdirSync(join(cwd, "conf"));
    writeConfig(cwd, "conf/sync.mjs", {
      source: `export default () => ({ database: ${JSON.stringify(url)}, tablePrefix: "fn_" });\n`,
    });
    writeConfig(cwd, "conf/async.mjs", {
      source: `export default async () => ({ database: ${JSON.stringify(url)}, tablePrefix: "fn_" });\n`,
    });
    writeConfig(cwd, "guest-user.config.mjs", THROWS);
    expect(await cli(["migrate", "--config", "conf/sync.mjs"], { cwd })).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "Using config ./conf/sync.mjs\n",
    });
    expect(await cli(["stats", "--config", "./conf/async.mjs", "--json"], { cwd })).toEqual({
      code: 0,
      stdout: statsJson(0, 0),
      stderr: "",
    });
  });

  it.each([
    ["a missing file", "nope.mjs", null, "config file ./nope.mjs: no such file"],
    ["a directory", "conf", null, "config file ./conf: no such file"],
    ["a syntax error", "bad.mjs", { source: "export default {\n" }, "bad.mjs: cannot be loaded:"],
    ["a TypeScript syntax error", "bad.ts", { source: "export default {;\n" }, "cannot be loaded:"],
    ["a throwing module", "throws.mjs", THROWS, "cannot be loaded: the wrong config was loaded"],
    ["a missing import", "imp.mjs", { source: 'import "no-such-pkg-xyz";\n' }, "no-such-pkg-xyz"],
    [
      "no default export",
      "named.mjs",
      { source: "export const a = 1;\n" },
      "has no default export",
    ],
    ["a number", "num.mjs", { source: "export default 42;\n" }, "got a number"],
    ["an array", "arr.mjs", { source: "export default [];\n" }, "got an array"],
    [
      "a throwing function",
      "fn.mjs",
      { source: 'export default () => { throw new Error("GU_DATABASE_URL is not set"); };\n' },
      "its default export threw: GU_DATABASE_URL is not set",
    ],
    [
      "a function returning nothing",
      "void.mjs",
      { source: "export default async () => {};\n" },
      "got undefined",
    ],
  ])("reports %s as one INVALID_CONFIG line, exit 1", async (_, name, content, message) => {
    const { cwd } = workdir();
    mkdirSync(join(cwd, "conf"));
    if (content) writeConfig(cwd, name, content);
    for (const command of ["migrate", "stats", "delete-expired"]) {
      const result = await cli([command, "--config", name], { cwd });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^error \[INVALID_CONFIG\]: config file \.\//);
      expect(result.stderr).toContain(message);
      expectOneLine(result.stderr);
    }
  });

  it("reports a discovered broken config the same way", async () => {
    const { cwd } = workdir();
    writeConfig(cwd, "guest-user.config.mjs", THROWS);
    const result = await cli(["stats"], { cwd });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error [INVALID_CONFIG]: config file ./guest-user.config.mjs: cannot be loaded: the wrong config was loaded\n",
    });
  });

  it("has createGuestUsers check the options, and never prints secrets", async () => {
    const { cwd, url } = workdir();
    writeConfig(cwd, "invalid.mjs", { options: { database: url, expireBy: "sometimes" } });
    const invalid = await cli(["stats", "--config", "invalid.mjs", "--json"], { cwd });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error \[INVALID_CONFIG\]: Invalid option `expireBy`/);
    expectOneLine(invalid.stderr);

    const secret = "s3cret-s3cret-s3cret-s3cret-s3cret-42";
    writeConfig(cwd, "secret.mjs", {
      options: { database: "postgres://app:hunter2@127.0.0.1:1/app", secret },
    });
    const unreachable = await cli(["stats", "--config", "secret.mjs"], { cwd });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^Using config \.\/secret\.mjs\nerror \[DATABASE_UNAVAILABLE\]: [^\n]+\n$/,
    );
    expect(unreachable.stderr).not.toContain("hunter2");
    expect(unreachable.stderr).not.toContain(secret);
  });

  it("names the fix when a TypeScript config needs jiti and it is missing", async () => {
    const { cwd } = workdir();
    writeConfig(cwd, "guest-user.config.ts", { options: {} });
    const missing = Object.assign(new Error("Cannot find package 'jiti'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const error = await loadConfig({ cwd }, { importJiti: () => Promise.reject(missing) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GuestUserError);
    expect(error).toMatchObject({ code: "DRIVER_MISSING" });
    const stderr = captured();
    expect(report(error, stderr)).toBe(1);
    expect(stderr.text()).toBe(
      "error [DRIVER_MISSING]: Loading the TypeScript config ./guest-user.config.ts needs the jiti package: run `npm i -D jiti` (or write the config as guest-user.config.mjs).\n",
    );
    // An .mjs config never needs it.
    writeConfig(cwd, "plain.mjs", { options: { maxAge: 60 } });
    const loaded = await loadConfig(
      { cwd, path: "plain.mjs" },
      { importJiti: () => Promise.reject(missing) },
    );
    expect(loaded).toMatchObject({ display: "./plain.mjs", options: { maxAge: 60 } });
  });

  it("says to create the app's own users table, not to migrate, when users.table names a missing one", async () => {
    const { cwd, url } = workdir();
    const columns = { id: "account_id", username: "login", password: "pw_hash" };
    writeConfig(cwd, "guest-user.config.mjs", {
      options: { database: url, users: { table: "accounts", columns } },
    });
    const advice =
      /error \[SCHEMA_MISSING\]: your users table "accounts" \(the `users\.table` option\) does not exist.*: create it with your app's migrations, before guest-user's, or name your existing users table in `users\.table`/;
    // migrate refuses before making any table of ours (they would reference a missing table).
    for (const command of ["migrate", "delete-expired", "stats"]) {
      const { code, stderr } = await cli([command], { cwd });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Using config \.\/guest-user\.config\.mjs\n/);
      expect(stderr).toMatch(advice);
      expect(stderr).not.toContain("run `guest-user migrate` first");
    }
  });

  it("loads nothing when there is no config", async () => {
    const { cwd } = workdir();
    expect(await loadConfig({ cwd })).toEqual({ file: null, display: null, options: {} });
  });
});

describe("cli config files, through the executable", () => {
  it("finds guest-user.config.ts in the working directory", async () => {
    const { cwd, url } = workdir();
    writeConfig(cwd, "guest-user.config.ts", {
      source: `const options: { database: string; tablePrefix: string } = {
  database: ${JSON.stringify(url)},
  tablePrefix: "spawned_",
};
export default options;
`,
    });
    expect(await spawnCli(["migrate"], { cwd })).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "Using config ./guest-user.config.ts\n",
    });
    expect(await spawnCli(["stats", "--json"], { cwd })).toEqual({
      code: 0,
      stdout: statsJson(0, 0),
      stderr: "",
    });
  });

  it("exits 1 with one line for a bad --config path", async () => {
    const { cwd } = workdir();
    expect(await spawnCli(["delete-expired", "--config", "missing.config.mjs"], { cwd })).toEqual({
      code: 1,
      stdout: "",
      stderr: "error [INVALID_CONFIG]: config file ./missing.config.mjs: no such file\n",
    });
  });
});
