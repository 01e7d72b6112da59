/**
 * HTTP benchmark of the hot path (DESIGN.md, Flow 1): guest-user on Express, Hono and Fastify,
 * beside the same framework without guest-user and beside Better Auth's anonymous plugin.
 *
 * For each database (a temp SQLite file; throw-away PostgreSQL and MariaDB databases
 * `gu_bench_<random>`, dropped at the end) every server runs in a child process of its own (the load generator
 * keeps its own core). Per scenario each server gets a warm-up, then the runs are interleaved
 * (run 1 of every server, then run 2...) so that a slower minute of the machine hits all
 * columns alike; the median is reported. Scenarios:
 *   1. first visit: `GET /page` on an allowGuestUser() route without a cookie (a guest, its
 *      user row and its session are written in one transaction per request);
 *      Better Auth: `POST /api/auth/sign-in/anonymous`;
 *   2. first visit, lazy (`first-visit-lazy`): the same GET on servers built with
 *      `createGuests: "onWrite"`: the page runs for the anonymous visitor and writes nothing
 *      (checked: no new row); Better Auth: the same sign-in/anonymous as for 1;
 *   3. returning guest: `GET /page` with that guest's cookie; Better Auth: get-session;
 *      `returning-guest-cached`: the same on servers built with `sessionCache` (compared with
 *      the same get-session);
 *   4. registered user: `GET /page` with a createUser() + createSession() cookie; Better
 *      Auth: get-session of a signed-up user.
 * The bare framework serves the same page without guest-user (measured in the returning-guest
 * round). The floors run guest-user's own statements (captured from the library) on the bare
 * driver with the same pool and prepared-statement setting, in the same framework: floor (a)
 * the session lookup (returning-guest and registered-user rounds), floor (b) a first visit's
 * writes (first-visit round). After the tables, the memory of one server at scale
 * (memory.ts; `--no-memory` skips it). Each run is checked: no non-2xx answer, no error, and the row counts (first visit:
 * one new guest per 2xx answer; otherwise no new rows). Prints a Markdown table and PASS/MISS
 * per target; exits 1 when a check failed or a server errored.
 *
 * The guest-user servers run this repository's dist/ (built first: what the package ships);
 * BENCH_GUEST_USER_SRC=/abs/path/to/src runs them on another copy of src/ instead, through tsx
 * (to A/B a proposed change without touching the repository; `--compare` does it per server).
 *
 * @example
 * ```sh
 * npm run bench                                  # 3 runs x 5 s after a 3 s warm-up, 10 connections
 * npm run bench -- --quick --db sqlite --framework hono
 * npm run bench -- --db postgres --framework express --scenario first-visit --profile /tmp/prof
 * ```
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import {
  type BenchOptions,
  type DatabaseKind,
  parseBenchArgs,
  type Scenario,
  USAGE,
} from "./args.ts";
import { isolatedDatabase, openProbe, type Probe } from "./databases.ts";
import { cannon, type Launched, launch } from "./load.ts";
import { memoryAtScale } from "./memory.ts";
import { type Participant, participants } from "./participants.ts";
import { compareTable, cpuTable, problems, type Results, table } from "./report.ts";
import { checkedRun, NOISE, type Prepared, Tally } from "./scenarios.ts";
import { targets } from "./targets.ts";

const log = (message: string) => process.stderr.write(`${message}\n`);
const pct = (share: number) => `${Math.round(share * 100)}%`;
const noise = new Set<string>();

/** The installed Better Auth's version, for the tables' heading. */
function betterAuthVersion(): string {
  try {
    const file = new URL("../../node_modules/better-auth/package.json", import.meta.url);
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "1.x";
  }
}

/** The main thread's profile in a server's profile directory (the largest file). */
function largestProfile(dir: string): string {
  const files = readdirSync(dir).map((name) => join(dir, name));
  files.sort((a, b) => statSync(b).size - statSync(a).size);
  return resolve(files[0] ?? dir);
}

/** One scenario on every server that takes part: prepare, warm up, interleaved runs. */
async function round(options: BenchOptions, scenario: Scenario, all: Participant[], db: Probe) {
  const active: { p: Participant; prepared: Prepared; tally: Tally }[] = [];
  for (const p of all) {
    if (!p.scenarios.includes(scenario) || !p.server) continue;
    try {
      const prepared = await p.prepare(p.server.port, scenario);
      if (options.warmup > 0)
        await cannon(p.server.port, prepared.spec, options.warmup, options.connections);
      active.push({ p, prepared, tally: new Tally() });
    } catch (error) {
      log(`  ${p.label} ${scenario}: ERROR ${(error as Error).message}`);
      p.record(scenario, error as Error);
    }
  }
  for (let run = 0; run < options.runs; run++) {
    for (const { p, prepared, tally } of active) {
      tally.add(await checkedRun(p.server as Launched, prepared, db, options));
    }
  }
  for (const { p, tally } of active) {
    const m = tally.result();
    const runs = m.runs.map((r) => Math.round(r)).join(", ");
    const failed = m.problems.length > 0 ? ` CHECK FAILED: ${m.problems.join("; ")}` : "";
    const cpu = `CPU µs/request: server ${m.cpu.server.toFixed(0)}, database ${m.cpu.database.toFixed(0)}, autocannon ${m.cpu.load.toFixed(0)}`;
    const noisy =
      m.cpu.others > NOISE
        ? ` NOISY: other processes used up to ${pct(m.cpu.others)} of a CPU`
        : "";
    if (noisy) noise.add(`${p.label} ${scenario}: up to ${pct(m.cpu.others)} of a CPU`);
    log(
      `  ${p.label} ${scenario}: ${Math.round(m.rps)} req/s (runs: ${runs}; ${cpu})${failed}${noisy}`,
    );
    p.record(scenario, m);
  }
}

async function benchDatabase(options: BenchOptions, kind: DatabaseKind, results: Results) {
  let db: Probe | undefined;
  let all: Participant[] = [];
  try {
    const database = await isolatedDatabase(kind);
    cleanups.add(database.drop);
    db = await openProbe(database);
    log(`${kind}: ${kind === "sqlite" ? database.location : database.url}`);
    all = participants(options, kind, db, results);
    for (const p of all) {
      if (options.profileDir) p.profileDir = join(options.profileDir, p.label.replaceAll("/", "-"));
      try {
        p.server = await launch(p.config, p.profileDir ?? null);
      } catch (error) {
        log(`  ${p.label}: server ERROR ${(error as Error).message}`);
        for (const scenario of p.scenarios) p.record(scenario, error as Error);
      }
    }
    for (const scenario of options.scenarios) await round(options, scenario, all, db);
  } catch (error) {
    log(`${kind}: ERROR ${(error as Error).message}`);
    for (const p of all) for (const scenario of p.scenarios) p.record(scenario, error as Error);
  } finally {
    for (const p of all) {
      await p.server?.stop();
      if (p.server && p.profileDir) log(`  profile ${p.label}: ${largestProfile(p.profileDir)}`);
    }
    await db?.close();
  }
}

/** Databases to drop at the end, or when the bench is interrupted. */
const cleanups = new Set<() => Promise<void>>();

async function main() {
  let options: BenchOptions | "help";
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  if (!process.env.BENCH_GUEST_USER_SRC) {
    // The servers run dist/, as the package ships it (apps.ts): build it from this src/ first.
    log("building dist/ (npm run build): the servers run what the package ships");
    execFileSync("npm", ["run", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  process.once("SIGINT", () => {
    log("interrupted: dropping the bench databases");
    Promise.allSettled([...cleanups].map((drop) => drop())).finally(() => process.exit(130));
  });
  const started = performance.now();
  const setup =
    `${options.runs} run(s) x ${options.duration} s after a ${options.warmup} s warm-up per server and scenario,` +
    ` ${options.connections} connections, pipelining 1; ${availableParallelism()} CPUs, Node ${process.version}`;
  log(`guest-user HTTP bench: ${setup}`);
  const results: Results = {
    guestUser: new Map(),
    bare: new Map(),
    betterAuth: new Map(),
    compare: new Map(),
    floor: new Map(),
  };
  try {
    for (const kind of options.databases) await benchDatabase(options, kind, results);
  } finally {
    for (const drop of cleanups) await drop().catch((e: Error) => log(`drop failed: ${e.message}`));
  }

  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  console.log(`\n## guest-user HTTP bench (${date} UTC, ${minutes} min)\n`);
  console.log(
    `${setup}. Median req/s of interleaved runs; each server in its own child process.` +
      ` Better Auth ${betterAuthVersion()} + anonymous() on node:http (toNodeHandler): the same number beside every framework.\n`,
  );
  console.log(table(results, options.databases, options.frameworks, options.scenarios));
  if (options.compare !== null) {
    console.log(`\nThis src/ beside --compare ${options.compare} (the same interleaved runs):\n`);
    console.log(compareTable(results, options.databases, options.frameworks, options.scenarios));
  }
  console.log("\nCPU time per request (µs; the same runs, read from /proc):\n");
  console.log(cpuTable(results, options.databases, options.frameworks, options.scenarios));
  const issues = problems(results);
  if (issues.length > 0) console.log(`\nProblems:\n${issues.map((i) => `- ${i}`).join("\n")}`);
  if (noise.size > 0)
    console.log(
      `\nDisturbed runs (other processes used > ${pct(NOISE)} of a CPU; rerun when the machine is quiet):\n${[...noise].map((n) => `- ${n}`).join("\n")}`,
    );
  const verdict = targets(results, options.databases, options.frameworks, options.scenarios);
  console.log(`\n### Targets\n\n${verdict.lines.join("\n")}`);
  if (options.memory) {
    const databases = options.databases.filter((kind) => kind !== "mariadb");
    console.log(`\n### Memory at scale\n\n${await memoryAtScale({ databases })}`);
  }
  const summary =
    verdict.missed === 0 ? "All measured targets met." : `${verdict.missed} target(s) missed.`;
  console.log(`\n${summary}`);
  if (issues.length > 0) process.exitCode = 1;
}

await main();
