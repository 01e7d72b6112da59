/**
 * Memory at scale (issue 21): the RSS of one guest-user server holding 10,000 and 100,000
 * cached sessions (`sessionCache`), 100,000 sessions against the default `max`, and 100,000
 * counted addresses in `memoryLimitStore` (default `maxKeys` and a smaller one), each
 * measured in a fresh child process (`memory-server.ts`). `memoryAtScale()` returns the
 * Markdown table; `npm run bench:memory` prints it.
 *
 * ```sh
 * npm run bench:memory                                   # SQLite, ~1 min
 * npm run bench:memory -- --postgres                     # PostgreSQL too
 * npm run bench:memory -- --sessions 1000,10000 --addresses 20000   # a short run
 * npm run bench:memory -- --compare /tmp/before/src      # the same rows with another src/
 * ```
 */
import { fork } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import type { DatabaseKind } from "./args.ts";
import { isolatedDatabase, openProbe } from "./databases.ts";
import {
  type MemoryJob,
  type MemoryResult,
  SEEDED_SECRET,
  seededSessionId,
} from "./memory-server.ts";

/** What {@link memoryAtScale} measures. */
export interface MemoryOptions {
  /** @default ["sqlite"] */
  readonly databases?: readonly DatabaseKind[];
  /** Cached-session counts, each with `max` set to hold them. @default [10000, 100000] */
  readonly sessions?: readonly number[];
  /** Distinct addresses counted. @default 100000 */
  readonly addresses?: number;
  /** The smaller `maxKeys` that shows the bound. @default 50000 */
  readonly smallMaxKeys?: number;
  /** Another copy's `src/`: the bound rows run again with it (fill times before/after). */
  readonly compare?: string | null;
}

const CHILD = fileURLToPath(new URL("./memory-server.ts", import.meta.url));
const MiB = 1024 * 1024;

function tsxLoader(): string {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return "tsx";
  }
}

/** Runs one job in a fresh child process and returns what it measured. */
function runChild(job: MemoryJob, src: string | null): Promise<MemoryResult> {
  const child = fork(CHILD, [], {
    execArgv: ["--import", tsxLoader(), "--expose-gc"],
    env: {
      ...process.env,
      BENCH_MEMORY: JSON.stringify(job),
      NODE_ENV: "production",
      ...(src ? { BENCH_GUEST_USER_SRC: src } : {}),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`memory child exited (code ${code})`)));
    child.on("message", (message: { type: string; result?: MemoryResult; message?: string }) => {
      if (message.type === "result" && message.result) resolve(message.result);
      else reject(new Error(`memory child failed: ${message.message}`));
    });
  });
}

/**
 * Seeds `count` guests (user, guest and session rows) in three set-based statements; each
 * session's token is `seededSessionId(userId) + "." + SEEDED_SECRET`. Returns the first user id
 * (the ids are consecutive).
 */
async function seedSessions(kind: DatabaseKind, databaseUrl: string, count: number) {
  const probe = await openProbe({ kind, url: databaseUrl, location: databaseUrl });
  try {
    const { db, settings } = probe.guestUsers;
    const users = sql.table(settings.tables.users.table);
    const now = Date.now();
    const expires = now + settings.session.maxAge * 1000;
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update(SEEDED_SECRET).digest("hex");
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
      insert into ${users} (username, username_key, created_at)
      select 'bench_memory_' || i, 'bench_memory_' || i, ${now} from n`.execute(db);
    const { rows } = await sql<{ first: unknown; last: unknown }>`
      select min(id) as first, max(id) as last from ${users}
      where username like 'bench_memory_%'`.execute(db);
    const first = Number(rows[0]?.first);
    if (Number(rows[0]?.last) - first + 1 !== count) throw new Error("seeded ids not consecutive");
    const seeded = sql`${users}.username like 'bench_memory_%'`;
    await sql`insert into ${sql.table(settings.tables.guests)} (user_id, created_at, last_seen_at)
      select id, ${now}, ${now} from ${users} where ${seeded}`.execute(db);
    const id =
      kind === "sqlite"
        ? sql`'s' || substr('000000000000000000000' || id, -21, 21)`
        : sql`'s' || lpad(cast(id as text), 21, '0')`;
    await sql`insert into ${sql.table(settings.tables.sessions)}
      (id, secret_hash, user_id, created_at, expires_at)
      select ${id}, ${hash}, id, ${now}, ${expires} from ${users} where ${seeded}`.execute(db);
    if (seededSessionId(first).length !== 22) throw new Error("seeded session ids malformed");
    return first;
  } finally {
    await probe.close();
  }
}

const count = (n: number) => n.toLocaleString("en-US");
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

function row(label: string, result: MemoryResult): string {
  const { baseline, filled, entries, largest, bound, fillMs } = result;
  const perEntry = (from: number, to: number) =>
    entries > 0 ? count(Math.round((to - from) / entries)) : "-";
  const verdict = largest <= bound ? "bounded" : `UNBOUNDED (${count(largest)} > ${count(bound)})`;
  return `| ${label} | ${count(entries)} / ${count(bound)} | ${mib(baseline.rss)} → ${mib(filled.rss)} | ${mib(baseline.heapUsed)} → ${mib(filled.heapUsed)} | ${perEntry(baseline.rss, filled.rss)} | ${perEntry(baseline.heapUsed, filled.heapUsed)} | ${(fillMs / 1000).toFixed(1)} s | ${verdict} |`;
}

/**
 * Measures and returns the Markdown table (a setup sentence, then one row per measurement,
 * each in a fresh server process). Creates and drops its own databases.
 */
export async function memoryAtScale(options: MemoryOptions = {}): Promise<string> {
  const databases = options.databases ?? ["sqlite"];
  const sessions = options.sessions ?? [10_000, 100_000];
  const addresses = options.addresses ?? 100_000;
  const smallMaxKeys = options.smallMaxKeys ?? 50_000;
  const compare = options.compare ?? null;
  const most = Math.max(...sessions);
  const lines = [
    `One fresh Node ${process.version} server process per row (guest-user on Hono 4 via @hono/node-server, \`sessionCache: { invalidation: "local" }\`, \`guestCreationLimit\` 60/h in a \`memoryLimitStore\`); RSS and heapUsed after \`global.gc()\`, before (server up, one HTTP request served) → after the fill; bytes per entry = growth / entries held. Sessions: seeded set-based, then each validated once by \`validateSession(token)\` in the server process (8 at a time); addresses: \`limitStore.hit("guest:<address>", guestCreationLimit)\` per distinct IPv4 address in the server process (the key guest admission counts). "largest" is checked after every step of the fill.`,
    "",
    "| measurement | entries held / bound | RSS MiB | heapUsed MiB | RSS B/entry | heap B/entry | fill | verdict |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const print = (label: string, result: MemoryResult) => {
    const line = row(label, result);
    lines.push(line);
    return line;
  };
  let sqliteUrl: string | null = null;
  const dropped: (() => Promise<void>)[] = [];
  try {
    for (const kind of databases) {
      const database = await isolatedDatabase(kind);
      dropped.push(() => database.drop());
      if (kind === "sqlite") sqliteUrl = database.url;
      const firstUserId = await seedSessions(kind, database.url, most);
      const name = kind === "sqlite" ? "SQLite" : "PostgreSQL";
      const job = (n: number, max: number | null): MemoryJob => ({
        kind: "sessions",
        databaseUrl: database.url,
        count: n,
        firstUserId,
        max,
      });
      for (const n of sessions) {
        print(
          `${name}: ${count(n)} sessions cached, max ${count(n)}`,
          await runChild(job(n, n), null),
        );
      }
      const bounded = `${name}: ${count(most)} sessions validated, default max`;
      print(bounded, await runChild(job(most, null), null));
      if (compare) print(`${bounded} (${compare})`, await runChild(job(most, null), compare));
    }
    if (!sqliteUrl) {
      const database = await isolatedDatabase("sqlite");
      dropped.push(() => database.drop());
      sqliteUrl = database.url;
      await seedSessions("sqlite", sqliteUrl, 1);
    }
    const limits = (maxKeys: number | null): MemoryJob => ({
      kind: "addresses",
      databaseUrl: sqliteUrl as string,
      count: addresses,
      maxKeys,
    });
    const label = (maxKeys: number | null) =>
      `memoryLimitStore: ${count(addresses)} addresses, ${maxKeys ? `maxKeys ${count(maxKeys)}` : "default maxKeys"}`;
    for (const maxKeys of [null, smallMaxKeys]) {
      print(label(maxKeys), await runChild(limits(maxKeys), null));
      if (compare)
        print(`${label(maxKeys)} (${compare})`, await runChild(limits(maxKeys), compare));
    }
  } finally {
    for (const drop of dropped) await drop();
  }
  return lines.join("\n");
}

const USAGE = `Usage: npm run bench:memory -- [--postgres] [--sessions 10000,100000] [--addresses 100000] [--small-max-keys 50000] [--compare <src dir>]`;

async function main() {
  const { values } = parseArgs({
    options: {
      postgres: { type: "boolean", default: false },
      sessions: { type: "string" },
      addresses: { type: "string" },
      "small-max-keys": { type: "string" },
      compare: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const whole = (text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a whole number: ${text}\n${USAGE}`);
    return n;
  };
  const sessions = values.sessions?.split(",").map((n) => whole(n) as number);
  const table = await memoryAtScale({
    databases: values.postgres ? ["sqlite", "postgres"] : ["sqlite"],
    ...(sessions ? { sessions } : {}),
    ...(values.addresses ? { addresses: whole(values.addresses) as number } : {}),
    ...(values["small-max-keys"]
      ? { smallMaxKeys: whole(values["small-max-keys"]) as number }
      : {}),
    compare: values.compare ?? null,
  });
  console.log(`${new Date().toISOString()}\n\n${table}`);
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
