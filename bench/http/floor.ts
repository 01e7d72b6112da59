/**
 * The database floor of the hot path, without HTTP: what guest-user's two hot operations cost
 * through the library (SQLite: against the same statements on the bare driver; PostgreSQL:
 * with `preparedStatements` off and on, and with the `sessionCache`). Prints µs of CPU per
 * operation (this process, plus PostgreSQL's processes).
 *
 * @example
 * ```sh
 * npx tsx bench/http/floor.ts                 # sqlite and postgres, 20000 operations each
 * npx tsx bench/http/floor.ts --db sqlite --ops 50000
 * ```
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { CompiledQuery } from "kysely";
import { createGuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import { withStatementCache } from "../../src/store/dialects/sqlite.ts";
import { DATABASES, type DatabaseKind } from "./args.ts";
import { cpuSnapshot, perRequest } from "./cpu.ts";
import { type DatabaseTarget, isolatedDatabase } from "./databases.ts";
import { captureHotStatements } from "./floor-statements.ts";

const CONCURRENCY = 10;

/** Runs `op` `ops` times, CONCURRENCY at a time; returns ops/s and CPU µs per op. */
/** `postgres`: the database name whose PostgreSQL processes are counted, or null (SQLite). */
async function time(
  label: string,
  ops: number,
  postgres: string | null,
  op: (i: number) => unknown,
) {
  for (let i = 0; i < Math.min(2000, ops / 5); i++) await op(i); // warm-up
  const database = postgres === null ? null : { kind: "postgres" as const, name: postgres };
  const before = cpuSnapshot(process.pid, database);
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < ops) await op(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = perRequest(before, cpuSnapshot(process.pid, database), ops);
  const node = cpu.load;
  const pg = cpu.database;
  const line = `| ${label} | ${Math.round(ops / seconds).toLocaleString("en-US")} | ${node.toFixed(1)} | ${postgres ? pg.toFixed(1) : "-"} |`;
  console.log(line);
}

const open = (database: string | object, options: GuestUsersOptions = {}) =>
  createGuestUsers({
    database,
    secret: "x".repeat(40),
    logger: { warn() {}, error() {} },
    ...options,
  });

async function sqliteFloor(target: DatabaseTarget, ops: number) {
  const { default: Database } = await import("better-sqlite3");
  const plain = open(target.url);
  await plain.migrate();
  const cached = open(withStatementCache(new Database(target.location)));
  const raw = new Database(target.location);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  const token = (await plain.createGuestSession()).session.token;
  const id = token.split(".")[0] as string;

  await time("createGuestSession() as is", ops, null, () => plain.createGuestSession());
  await time("createGuestSession(), statement cache", ops, null, () => cached.createGuestSession());
  const insertUser = raw.prepare(
    "insert into guest_user_users (username, username_key, password, email, created_at) values (?, ?, null, null, ?) returning id",
  );
  const insertGuest = raw.prepare(
    "insert into guest_user_guests (user_id, created_at, last_seen_at, data) values (?, ?, ?, null)",
  );
  const insertSession = raw.prepare(
    "insert into guest_user_sessions (id, secret_hash, user_id, created_at, expires_at) values (?, ?, ?, ?, ?)",
  );
  const create = raw.transaction(() => {
    const now = Date.now();
    const name = `raw-${randomBytes(8).toString("hex")}`; // its own folded key
    const { id: userId } = insertUser.get(name, name, now) as {
      id: number;
    };
    insertGuest.run(userId, now, now);
    insertSession.run(
      randomBytes(16).toString("base64url"),
      "h".repeat(64),
      userId,
      now,
      now + 1e9,
    );
  });
  await time("same 3 inserts, better-sqlite3 prepared, db.transaction()", ops, null, () =>
    create(),
  );

  await time("validateSession() as is", ops, null, () => plain.validateSession(token));
  await time("validateSession(), statement cache", ops, null, () => cached.validateSession(token));
  const memory = open(target.url, { sessionCache: { invalidation: "local" } });
  await time("validateSession(), sessionCache (local)", ops, null, () =>
    memory.validateSession(token),
  );
  await memory.close();
  // The text guest-user runs, captured from the library (floor-statements.ts).
  const compiled = (await captureHotStatements(target)).lookup.text;
  await time("the lookup precompiled once (Kysely executeQuery) + cache", ops, null, () =>
    cached.db.executeQuery(CompiledQuery.raw(compiled, [id])),
  );
  const lookup = raw.prepare(compiled);
  await time("the lookup, better-sqlite3 prepared", ops, null, () => lookup.get(id));
  raw.close();
  await Promise.all([plain.close(), cached.close()]);
}

async function postgresFloor(target: DatabaseTarget, ops: number) {
  const pgName = new URL(target.url).pathname.slice(1);
  const plain = open(target.url, { preparedStatements: false });
  await plain.migrate();
  const prepared = open(target.url);
  const cached = open(target.url, { sessionCache: { ttlMs: 60_000 } });
  const token = (await plain.createGuestSession()).session.token;

  await time("createGuestSession(), preparedStatements: false", ops, pgName, () =>
    plain.createGuestSession(),
  );
  await time("createGuestSession() (default: one named statement)", ops, pgName, () =>
    prepared.createGuestSession(),
  );
  await time("validateSession(), preparedStatements: false", ops, pgName, () =>
    plain.validateSession(token),
  );
  await time("validateSession() (default: named lookup)", ops, pgName, () =>
    prepared.validateSession(token),
  );
  await time("validateSession(), sessionCache (LISTEN/NOTIFY)", ops, pgName, () =>
    cached.validateSession(token),
  );
  await Promise.all([plain.close(), prepared.close(), cached.close()]);
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "sqlite,postgres" },
      ops: { type: "string", default: "20000" },
    },
  });
  const kinds = (values.db as string).split(",") as DatabaseKind[];
  const ops = Number(values.ops);
  for (const kind of kinds) {
    if (!DATABASES.includes(kind) || kind === "mariadb")
      throw new Error(`--db: ${kind} is not measured here (sqlite, postgres)`);
    const database = await isolatedDatabase(kind);
    try {
      console.log(`\n### ${kind}: ${ops} operations, ${CONCURRENCY} at a time\n`);
      console.log("| operation | ops/s | node CPU µs/op | postgres CPU µs/op |\n|---|--:|--:|--:|");
      if (kind === "sqlite") await sqliteFloor(database, ops);
      else await postgresFloor(database, ops);
    } finally {
      await database.drop();
    }
  }
}

await main();
