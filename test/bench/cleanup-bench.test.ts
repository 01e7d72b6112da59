import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/cleanup/args.ts";
import { mysqlRemove, planOf } from "../../bench/cleanup/plan.ts";

describe("bench:cleanup's command line", () => {
  it("measures the three databases by default, one run, the library's batch size", () => {
    expect(parseBenchArgs([])).toEqual({
      counts: [100_000],
      batchSize: undefined,
      dialects: ["sqlite", "postgres", "mysql"],
      kept: 0,
      runs: 1,
    });
  });

  it("keeps --count, --batch-size, --dialect (mariadb is mysql) and --kept", () => {
    const args = parseBenchArgs([
      "--count=10_000,100000",
      "--batch-size=500",
      "--dialect=sqlite,mariadb",
      "--kept=10",
      "--runs=3",
    ]);
    expect(args).toEqual({
      counts: [10_000, 100_000],
      batchSize: 500,
      dialects: ["sqlite", "mysql"],
      kept: 10,
      runs: 3,
    });
  });

  it("refuses a bad value", () => {
    expect(() => parseBenchArgs(["--count=0"])).toThrow("--count");
    expect(() => parseBenchArgs(["--dialect=oracle"])).toThrow("--dialect");
    expect(() => parseBenchArgs(["--count=5", "--kept=6"])).toThrow("--kept");
  });
});

describe("the floor's plan", () => {
  const c = (sql: string, ...params: unknown[]) => ({ sql, params, via: "query" });

  it("rebuilds MySQL's id list for any count", () => {
    expect(mysqlRemove("delete from `u` where `id` in (?, ?, ?)", 2)).toBe(
      "delete from `u` where `id` in (?, ?)",
    );
  });

  it("sorts a MySQL clean-up's statements by role and leaves out the count", () => {
    const pick = "select user_id, `created_at` as scan_at from g where a < ? order by x limit ?";
    const resume = "select user_id, `created_at` as scan_at from g where a < ? and b >= ? limit ?";
    const log = [
      c("select count(*) as guests from g", 1),
      c("begin"),
      c(pick, 1, 2),
      c("delete from u where id in (?, ?)", 7, 8),
      c("insert into f values (?, ?, ?)", "d", 1, 2),
      c("commit"),
      c("begin"),
      c(resume, 1, 5, 2),
      c("commit"),
      c("delete from s where expires_at <= ?", 9),
      c("delete from l where expires_at <= ?", 9),
    ];
    const plan = planOf("mysql", [], log);
    expect(plan).toMatchObject({ first: pick, resume, begin: "begin", commit: "commit" });
    expect(plan.oursOnly).toEqual(["select count(*) as guests from g"]);
    expect(plan.epilogue).toHaveLength(2);
  });

  it("throws on a statement it has no role for", () => {
    const log = [
      c("BEGIN IMMEDIATE"),
      c("delete from u where id in (select ...)", 1, 2),
      c("insert into f values (?, ?, ?)", "d", 1, 2),
      c("update something_new set x = 1"),
      c("COMMIT"),
      c("delete from s where expires_at <= ?", 9),
      c("delete from l where expires_at <= ?", 9),
    ];
    expect(() => planOf("sqlite", [], log)).toThrow("no role");
  });
});
