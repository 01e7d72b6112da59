/**
 * pg or postgres.js? Issue 21's driver comparison, in ONE run on a throw-away PostgreSQL
 * database: the returning guest's session lookup on the bare driver (floor (a): pg with the
 * named statement guest-user uses, postgres.js with its default `prepare: true`) and through
 * guest-user (`validateSession()`: pg from the URL; postgres.js as a Kysely instance on
 * kysely-postgres-js's `PostgresJSDialect`), first without HTTP, then over HTTP (Hono,
 * autocannon). Runs are interleaved; medians are reported, with the lift postgres.js/pg.
 *
 * @example
 * ```sh
 * npx tsx bench/http/postgres-driver.ts                       # 3 x 20000 ops, 3 x 5 s HTTP
 * npx tsx bench/http/postgres-driver.ts --ops 2000 --runs 1 --seconds 1 --warmup 1   # smoke
 * npx tsx bench/http/postgres-driver.ts --no-http
 * ```
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { cpuSnapshot, perRequest } from "./cpu.ts";
import { isolatedDatabase } from "./databases.ts";
import { median } from "./load.ts";
import { type HttpMeasurement, measureHttp } from "./postgres-driver-http.ts";
import {
  COMBINATIONS,
  type DriverLayer,
  type OpenedDriver,
  openDriver,
  openProbe,
  type PostgresDriverName,
} from "./postgres-drivers.ts";

/** What {@link postgresDriverComparison} runs. */
export interface PostgresDriverComparisonOptions {
  /** Operations per measured run without HTTP. @default 20000 */
  readonly ops?: number;
  /** Measured runs, interleaved across the four combinations (both parts). @default 3 */
  readonly runs?: number;
  /** Also measure over HTTP. @default true */
  readonly http?: boolean;
  /** Seconds per HTTP run. @default 5 */
  readonly seconds?: number;
  /** Seconds of HTTP warm-up per server. @default 3 */
  readonly warmupSeconds?: number;
  /** autocannon connections. @default 10 */
  readonly connections?: number;
}

/** ops/s and CPU of one combination without HTTP: medians over the runs. */
interface DirectMeasurement {
  readonly driver: PostgresDriverName;
  readonly layer: DriverLayer;
  readonly opsPerSecond: number;
  readonly nodeUs: number;
  readonly postgresUs: number;
  /** Share of one CPU used by the rest of the machine (noise). */
  readonly others: number;
}

/** The concurrent callers without HTTP (as many as autocannon's connections). */
const CONCURRENCY = 10;

/** The lift that would make postgres.js worth a selectable driver (issue 21). */
const LIFT_NEEDED = 0.2;

/** Runs `opened.run(token)` `ops` times, CONCURRENCY at a time: ops/s and CPU µs per op. */
async function timeOnce(opened: OpenedDriver, token: string, ops: number, database: string) {
  const before = cpuSnapshot(process.pid, { kind: "postgres", name: database });
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < ops) await opened.run(token);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = perRequest(
    before,
    cpuSnapshot(process.pid, { kind: "postgres", name: database }),
    ops,
  );
  return {
    opsPerSecond: ops / seconds,
    nodeUs: cpu.load,
    postgresUs: cpu.database,
    others: cpu.others,
  };
}

async function measureDirect(
  url: string,
  database: string,
  token: string,
  ops: number,
  runs: number,
): Promise<DirectMeasurement[]> {
  const probe = openProbe(url);
  const opened: OpenedDriver[] = [];
  try {
    for (const { driver, layer } of COMBINATIONS)
      opened.push(await openDriver(url, driver, layer, probe));
    for (const each of opened) {
      const found = await each.run(token);
      if (found?.isGuest !== true) throw new Error(`${each.layer} on ${each.driver}: no guest`);
      await timeOnce(each, token, Math.min(2000, ops), database); // warm-up
    }
    const samples = opened.map(() => [] as Awaited<ReturnType<typeof timeOnce>>[]);
    for (let run = 0; run < runs; run++)
      for (const [i, each] of opened.entries())
        samples[i]?.push(await timeOnce(each, token, ops, database));
    return opened.map(({ driver, layer }, i) => {
      const runs = samples[i] ?? [];
      return {
        driver,
        layer,
        opsPerSecond: median(runs.map((r) => r.opsPerSecond)),
        nodeUs: median(runs.map((r) => r.nodeUs)),
        postgresUs: median(runs.map((r) => r.postgresUs)),
        others: median(runs.map((r) => r.others)),
      };
    });
  } finally {
    await Promise.all(opened.map((each) => each.close()));
    await probe.close();
  }
}

const LAYER_LABEL: Record<DriverLayer, string> = {
  floor: "floor (a): the lookup on the bare driver",
  ours: "guest-user",
};
const DRIVER_LABEL: Record<PostgresDriverName, string> = {
  pg: "pg",
  "postgres.js": "postgres.js",
  "postgres.js, prepared": "postgres.js + wrapper",
};

/** What each row ran, under both tables. */
const NOTES = [
  "pg: the lookup as a named statement (guest-user's default `preparedStatements: true`), pool of 10.",
  "postgres.js (max 10), floor: `sql.unsafe(text, [id], { prepare: true })` (what its tagged templates do by default); guest-user: a Kysely instance on kysely-postgres-js as it is (its `unsafe()` calls are never prepared).",
  "postgres.js + wrapper: the same Kysely instance, through a `reserve()` wrapper that prepares guest-user's hot statements (what guest-user would ship beside `preparedStatementPool()`).",
  "others: the share of one CPU the rest of the machine used during the runs (noise).",
].map((note) => `- ${note}`);
const share = (n: number) => `${Math.round(n * 100)}%`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(0)}%`;

/** `driver`'s rate over pg's at `layer`. */
function lift<T extends { driver: PostgresDriverName; layer: DriverLayer }>(
  rows: readonly T[],
  layer: DriverLayer,
  rate: (row: T) => number,
  driver: PostgresDriverName = "postgres.js",
): number {
  const of = (name: PostgresDriverName) =>
    rows.find((row) => row.layer === layer && row.driver === name);
  const pg = of("pg");
  const js = of(driver);
  return pg && js ? rate(js) / rate(pg) : Number.NaN;
}

function liftLine<T extends { driver: PostgresDriverName; layer: DriverLayer }>(
  rows: readonly T[],
  rate: (row: T) => number,
): string {
  const floor = percent(lift(rows, "floor", rate));
  const ours = percent(lift(rows, "ours", rate));
  const prepared = percent(lift(rows, "ours", rate, "postgres.js, prepared"));
  return `postgres.js / pg: floor ${floor}; guest-user ${ours} (kysely-postgres-js as is), ${prepared} (hot statements prepared).`;
}

function directTable(rows: readonly DirectMeasurement[], ops: number, runs: number): string {
  const lines = [
    `Without HTTP: ${int(ops)} operations x ${runs} interleaved runs, ${CONCURRENCY} concurrent, pools of 10; medians.`,
    "",
    "| measured | driver | ops/s | node CPU µs/op | postgres CPU µs/op | others |",
    "|---|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${LAYER_LABEL[r.layer]}${r.layer === "ours" ? ": validateSession()" : ""} | ${DRIVER_LABEL[r.driver]} | ${int(r.opsPerSecond)} | ${r.nodeUs.toFixed(1)} | ${r.postgresUs.toFixed(1)} | ${share(r.others)} |`,
    ),
  ];
  const rate = (r: DirectMeasurement) => r.opsPerSecond;
  lines.push("", liftLine(rows, rate), "", ...NOTES);
  return lines.join("\n");
}

function httpTable(
  rows: readonly HttpMeasurement[],
  options: Required<PostgresDriverComparisonOptions>,
): string {
  const lines = [
    `Over HTTP (Hono, GET /page of a returning guest, uncached): autocannon ${options.connections} connections, ${options.warmupSeconds} s warm-up, ${options.runs} interleaved runs x ${options.seconds} s; medians.`,
    "",
    "| measured | driver | req/s | runs | server CPU µs/req | postgres CPU µs/req | others |",
    "|---|---|--:|---|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${LAYER_LABEL[r.layer]} | ${DRIVER_LABEL[r.driver]} | ${int(r.rps)} | ${r.runs.map(int).join(", ")} | ${r.serverUs.toFixed(1)} | ${r.postgresUs.toFixed(1)} | ${share(r.others)} |`,
    ),
  ];
  const rate = (r: HttpMeasurement) => r.rps;
  const ours = Math.max(
    lift(rows, "ours", rate),
    lift(rows, "ours", rate, "postgres.js, prepared"),
  );
  lines.push(
    "",
    liftLine(rows, rate),
    `Decision rule (issue 21): postgres.js becomes selectable only if it lifts guest-user's uncached returning guest by ${LIFT_NEEDED * 100}% or more over HTTP (the better postgres.js variant): ${ours - 1 >= LIFT_NEEDED ? "MET" : "not met"}.`,
  );
  return lines.join("\n");
}

/**
 * Compares PostgreSQL drivers for the returning guest's hot path: pg (what guest-user uses)
 * against porsager's postgres.js, as floor (a) (the session lookup alone, prepared, on the bare
 * driver) and through guest-user (`validateSession()`, postgres.js as a Kysely instance on
 * kysely-postgres-js), without HTTP and (by default) over HTTP. Makes and drops its own
 * `gu_bench_<random>` database; takes about 2 minutes with the defaults.
 *
 * @returns Markdown: one table per part, the lifts postgres.js/pg and the decision rule's verdict
 * @example
 * ```ts
 * console.log(await postgresDriverComparison({ runs: 1, seconds: 2 }));
 * ```
 */
export async function postgresDriverComparison(
  options: PostgresDriverComparisonOptions = {},
): Promise<string> {
  const settings: Required<PostgresDriverComparisonOptions> = {
    ops: 20_000,
    runs: 3,
    http: true,
    seconds: 5,
    warmupSeconds: 3,
    connections: 10,
    ...options,
  };
  const target = await isolatedDatabase("postgres");
  const database = new URL(target.url).pathname.slice(1);
  try {
    const probe = openProbe(target.url);
    await probe.migrate();
    const token = (await probe.createGuestSession()).session.token;
    const cookie = `${probe.settings.cookie.name}=${token}`;
    await probe.close();
    const parts = [
      `### PostgreSQL drivers: pg ${versionOf("pg")} and postgres.js ${versionOf("postgres")} (kysely-postgres-js ${versionOf("kysely-postgres-js")}), ${new Date().toISOString().slice(0, 10)}`,
      directTable(
        await measureDirect(target.url, database, token, settings.ops, settings.runs),
        settings.ops,
        settings.runs,
      ),
    ];
    if (settings.http)
      parts.push(httpTable(await measureHttp(target.url, database, cookie, settings), settings));
    return parts.join("\n\n");
  } finally {
    await target.drop();
  }
}

/** The installed version of a package (this repository's node_modules). */
function versionOf(name: string): string {
  try {
    const path = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      ops: { type: "string", default: "20000" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "5" },
      warmup: { type: "string", default: "3" },
      "no-http": { type: "boolean", default: false },
    },
  });
  console.log(
    await postgresDriverComparison({
      ops: Number(values.ops),
      runs: Number(values.runs),
      seconds: Number(values.seconds),
      warmupSeconds: Number(values.warmup),
      http: !values["no-http"],
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
