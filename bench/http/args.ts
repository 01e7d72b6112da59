import { parseArgs } from "node:util";

export const DATABASES = ["sqlite", "postgres", "mariadb"] as const;
export const FRAMEWORKS = ["express", "hono", "fastify"] as const;
export const SCENARIOS = [
  "first-visit",
  "first-visit-lazy",
  "returning-guest",
  "returning-guest-cached",
  "registered-user",
] as const;

export type DatabaseKind = (typeof DATABASES)[number];
export type Framework = (typeof FRAMEWORKS)[number];
export type Scenario = (typeof SCENARIOS)[number];

/** What one bench run measures, and how. */
export interface BenchOptions {
  readonly databases: readonly DatabaseKind[];
  readonly frameworks: readonly Framework[];
  readonly scenarios: readonly Scenario[];
  /** Measured runs per scenario; the median is reported. */
  readonly runs: number;
  /** Seconds per measured run. */
  readonly duration: number;
  /** Seconds of warm-up before the measured runs of each scenario (not counted). */
  readonly warmup: number;
  readonly connections: number;
  /** Skip the Better Auth comparison. */
  readonly betterAuth: boolean;
  /** Measure the floors: the same statements through the same driver, without guest-user. */
  readonly floor: boolean;
  /** Measure the memory of one server at scale (cached sessions, counted addresses). */
  readonly memory: boolean;
  /** Start every server with `--cpu-prof`, writing into this directory. */
  readonly profileDir: string | null;
  /**
   * Another copy's `src/` (e.g. a worktree of the commit before a change): its guest-user
   * servers run beside ours in the same interleaved runs, and a table prints ours / theirs.
   */
  readonly compare: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

  --db sqlite,postgres,mariadb   databases (default: all three)
  --framework express,hono,fastify  frameworks for guest-user and bare (default: all three)
  --scenario first-visit,first-visit-lazy,returning-guest,returning-guest-cached,registered-user
                                 (default: all five)
  --runs N                       measured runs per scenario, median reported (default 3)
  --duration S                   seconds per run (default 5)
  --warmup S                     warm-up seconds per server and scenario (default 3)
  --connections N                concurrent connections, pipelining 1 (default 10)
  --quick                        smoke preset: 1 run x 1 s, 0.5 s warm-up
  --no-better-auth               skip the Better Auth column
  --no-floor                     skip the floors (the same statements on the bare driver)
  --no-memory                    skip the memory-at-scale table
  --compare DIR                  also run guest-user from another copy's src/ (A/B in one run:
                                 the same interleaved runs, a table of ours / the other)
  --profile DIR                  run the servers with node --cpu-prof, profiles into DIR
                                 (summarise one with: npx tsx bench/http/profile.ts FILE)

Environment: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and
BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test), admin connections from which the
throw-away databases gu_bench_<random> are created and dropped; BENCH_REDIS_URL (default
redis://127.0.0.1:6379) for the MariaDB servers' sessionCache invalidation.`;

function list<T extends string>(flag: string, raw: string | undefined, all: readonly T[]): T[] {
  if (raw === undefined || raw === "all") return [...all];
  const picked = raw.split(",").map((item) => item.trim());
  for (const item of picked) {
    if (!(all as readonly string[]).includes(item))
      throw new Error(`--${flag}: unknown "${item}" (expected ${all.join(", ")})`);
  }
  return picked as T[];
}

function positive(flag: string, raw: string | undefined, fallback: number, integer: boolean) {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)))
    throw new Error(`--${flag}: expected a ${integer ? "whole" : ""} number, got "${raw}"`);
  return value;
}

/** Parses the command line; throws with a readable message on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      db: { type: "string" },
      framework: { type: "string" },
      scenario: { type: "string" },
      runs: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      quick: { type: "boolean", default: false },
      "no-better-auth": { type: "boolean", default: false },
      "no-floor": { type: "boolean", default: false },
      "no-memory": { type: "boolean", default: false },
      profile: { type: "string" },
      compare: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) return "help";
  const quick = values.quick === true;
  const runs = positive("runs", values.runs, quick ? 1 : 3, true);
  if (runs < 1) throw new Error("--runs: at least 1");
  return {
    databases: list("db", values.db?.replaceAll("mysql", "mariadb"), DATABASES),
    frameworks: list("framework", values.framework, FRAMEWORKS),
    scenarios: list("scenario", values.scenario, SCENARIOS),
    runs,
    duration: positive("duration", values.duration, quick ? 1 : 5, false) || 1,
    warmup: positive("warmup", values.warmup, quick ? 0.5 : 3, false),
    connections: positive("connections", values.connections, 10, true) || 10,
    betterAuth: values["no-better-auth"] !== true,
    floor: values["no-floor"] !== true,
    memory: values["no-memory"] !== true,
    profileDir: values.profile ?? null,
    compare: values.compare ?? null,
  };
}
