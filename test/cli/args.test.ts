import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/cli/args.ts";
import { mergeOptions } from "../../src/cli/options.ts";
import { cli } from "./support.ts";

describe("cli arguments", () => {
  it.each([
    [["stats", "--max-age", "abc"], "--max-age expects a positive number of seconds"],
    [["stats", "--max-age", "0"], "--max-age expects a positive number of seconds"],
    [["stats", "--max-age=-5"], "--max-age expects a positive number of seconds"],
    [["stats", "--max-age", "-5"], "--max-age needs a value"],
    [["delete-expired", "--max-age"], "--max-age needs a value"],
    [["delete-expired", "--batch-size", "0"], "--batch-size expects a positive integer"],
    [["delete-expired", "--batch-size", "1.5"], "--batch-size expects a positive integer"],
    [["delete-expired", "--batch-size", "ten"], "--batch-size expects a positive integer"],
    [["delete-expired", "--dry-run=yes"], "--dry-run does not take a value"],
    [["stats", "--frobnicate"], "unknown option --frobnicate"],
    [["stats", "-x"], "unknown option -x"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["stats", "extra"], 'unexpected argument "extra"'],
    [["migrate", "--json"], "migrate does not take --json"],
    [["migrate", "--max-age", "60"], "migrate does not take --max-age"],
    [["stats", "--batch-size", "5"], "stats does not take --batch-size"],
    [["stats", "--dry-run"], "stats does not take --dry-run"],
    [["stats", "--config"], "--config needs a value"],
    [["stats", "--config", " "], "--config needs a value"],
  ])("%j exits 2 with a one-line message", async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/^guest-user: [^\n]+\n$/);
  });

  it("checks values before touching the database", async () => {
    const unreachable = ["--database", "postgres://127.0.0.1:1/x"];
    const result = await cli(["delete-expired", ...unreachable, "--batch-size", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("DATABASE_UNAVAILABLE");
  });

  it("prints usage for --help, -h and help, listing commands and options", async () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["stats", "--help"]]) {
      const result = await cli(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/^Usage: guest-user <command> \[options\]/);
      for (const word of [
        "migrate",
        "delete-expired",
        "stats",
        "--database",
        "--config",
        "--version",
      ]) {
        expect(result.stdout).toContain(word);
      }
      for (const word of ["--table-prefix", "--max-age", "--batch-size", "--dry-run", "--json"]) {
        expect(result.stdout).toContain(word);
      }
    }
  });

  it("prints usage on stderr and exits 2 without a command", async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Usage: guest-user/);
  });

  it("prints the package version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("fills the options in", () => {
    expect(
      parseCommandLine(["delete-expired", "--max-age=90.5", "--batch-size", "20", "--dry-run"]),
    ).toEqual({
      kind: "command",
      command: "delete-expired",
      options: {
        config: undefined,
        database: undefined,
        tablePrefix: undefined,
        maxAge: 90.5,
        batchSize: 20,
        dryRun: true,
        json: false,
      },
    });
    const options = (argv: string[]) => {
      const parsed = parseCommandLine(argv);
      return parsed.kind === "command" ? parsed.options : undefined;
    };
    expect(options(["--database", "sqlite:a", "stats"])).toMatchObject({ database: "sqlite:a" });
    expect(options(["migrate", "--table-prefix", "app_"])?.tablePrefix).toBe("app_");
    expect(options(["migrate", "--config", "conf/gu.mjs"])?.config).toBe("conf/gu.mjs");
  });

  it("merges flags over the config, and the config's database over DATABASE_URL", () => {
    const flags = { dryRun: false, json: false };
    const config = { database: "sqlite:config", tablePrefix: "cfg_", maxAge: 60 } as const;
    const env = { DATABASE_URL: "sqlite:env" };
    expect(mergeOptions({ ...config, expireBy: "lastSeenAt" }, flags, env)).toEqual({
      ...config,
      expireBy: "lastSeenAt",
    });
    expect(
      mergeOptions(
        config,
        { ...flags, database: "sqlite:flag", tablePrefix: "f_", maxAge: 5 },
        env,
      ),
    ).toEqual({ database: "sqlite:flag", tablePrefix: "f_", maxAge: 5 });
    expect(mergeOptions({}, flags, env).database).toBe("sqlite:env");
    expect(mergeOptions({ database: undefined }, flags, env).database).toBe("sqlite:env");
    expect(mergeOptions({}, flags, { DATABASE_URL: "" }).database).toBeUndefined();
  });
});
