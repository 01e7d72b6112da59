import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuestUsers, GuestUserError, type GuestUsers } from "../../src/index.ts";
import { preparedStatementPool } from "../../src/store/dialects/postgres.ts";
import { preparedStatement } from "../../src/store/prepared-statements.ts";
import {
  availableDialects,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { freePort } from "../support/free-port.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

/**
 * A REAL PgBouncer (the Debian package: 1.18, before prepared statement support) in
 * transaction mode with ONE server connection, in front of an isolated database: several pg
 * clients then share that server connection, so a named statement one client prepared is
 * "already there" (42P05) for the next. guest-user must still answer right, warn once, and
 * with `preparedStatements: false` send no named statement at all.
 */
const PGBOUNCER = "/usr/sbin/pgbouncer";
const run = availableDialects().includes("postgres") && existsSync(PGBOUNCER);
if (!existsSync(PGBOUNCER)) {
  console.warn(`pgbouncer tests skipped: ${PGBOUNCER} is missing (apt-get install -y pgbouncer)`);
}

async function waitForBouncer(url: string, bouncer: ChildProcess, log: () => string) {
  for (let i = 0; i < 100; i++) {
    if (bouncer.exitCode !== null) throw new Error(`pgbouncer exited: ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`pgbouncer did not start: ${log()}`);
}

(run ? describe : describe.skip)(
  "behind PgBouncer 1.18, transaction mode, one server connection",
  () => {
    let database: IsolatedDatabase;
    let dir: string;
    let bouncer: ChildProcess;
    let output = "";
    let port = 0;
    const opened: GuestUsers[] = [];
    const pools: pg.Pool[] = [];
    const bouncerUrl = (alias: string) => `postgres://postgres@127.0.0.1:${port}/${alias}`;

    beforeAll(async () => {
      database = await isolatedDatabase("postgres");
      const migrator = createGuestUsers({ database: database.url, logger: console });
      await migrator.migrate();
      await migrator.close();
      const name = new URL(database.url).pathname.slice(1);
      port = await freePort();
      dir = mkdtempSync(join(tmpdir(), "guest-user-pgbouncer-"));
      // Two aliases of the same database: two pools, so each test has its own server connection.
      const target = `host=127.0.0.1 port=5432 dbname=${name} user=postgres`;
      writeFileSync(
        join(dir, "pgbouncer.ini"),
        [
          "[databases]",
          `named = ${target}`,
          `unnamed = ${target}`,
          `helper = ${target}`,
          "[pgbouncer]",
          "listen_addr = 127.0.0.1",
          `listen_port = ${port}`,
          "unix_socket_dir =",
          "auth_type = trust",
          `auth_file = ${join(dir, "userlist.txt")}`,
          "pool_mode = transaction",
          "default_pool_size = 1",
          "max_client_conn = 50",
          "",
        ].join("\n"),
      );
      writeFileSync(join(dir, "userlist.txt"), '"postgres" ""\n');
      // pgbouncer refuses to run as root: it then runs as postgres, who must read the config.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        await chmod(dir, 0o755);
        await chmod(join(dir, "pgbouncer.ini"), 0o644);
        await chmod(join(dir, "userlist.txt"), 0o644);
      }
      const args = [...(asRoot ? ["-u", "postgres"] : []), join(dir, "pgbouncer.ini")];
      bouncer = spawn(PGBOUNCER, args, { stdio: ["ignore", "pipe", "pipe"] });
      bouncer.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      bouncer.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      await waitForBouncer(bouncerUrl("named"), bouncer, () => output);
    });

    afterAll(async () => {
      for (const gu of opened) await gu.close();
      for (const pool of pools) await pool.end();
      if (bouncer && bouncer.exitCode === null) {
        const exited = new Promise((resolve) => bouncer.once("exit", resolve));
        bouncer.kill("SIGTERM");
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      await database?.drop();
    });

    const open = (alias: string, preparedStatements: boolean) => {
      const warnings: string[] = [];
      const pool = new pg.Pool({ connectionString: bouncerUrl(alias), max: 4 });
      pools.push(pool);
      const gu = createGuestUsers({
        database: pool,
        preparedStatements,
        passwordHashing: FAST_HASHING,
        logger: { warn: (message: string) => warnings.push(message), error() {} },
      });
      opened.push(gu);
      return { gu, warnings };
    };

    /** Guests made one by one, then looked up by several pg clients at once. */
    async function crowd(gu: GuestUsers) {
      const made = [];
      for (let i = 0; i < 4; i++) made.push(await gu.createGuestSession());
      for (let round = 0; round < 3; round++) {
        const found = await Promise.all(
          made.map(({ session }) => gu.validateSession(session.token)),
        );
        expect(found.map((entry) => entry?.user)).toEqual(made.map(({ user }) => user));
      }
      return made;
    }

    const namesOnServer = async (gu: GuestUsers) => {
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(
        gu.db as Kysely<unknown>,
      );
      return rows.map((row) => row.name);
    };

    it("preparedStatements: false sends no named statement through the pooler", async () => {
      const { gu, warnings } = await open("unnamed", false);
      await crowd(gu);
      expect(warnings).toEqual([]);
      expect(await namesOnServer(gu)).toEqual([]);
    });

    it("preparedStatements: true: the pooler's 42P05/26000 switches them off, one warning, right answers", async () => {
      const { gu, warnings } = await open("named", true);
      await crowd(gu);
      // The first pg client prepared the statements on the ONE server connection; another
      // client's Parse of the same name failed there, and guest-user ran it again unnamed.
      expect(await namesOnServer(gu)).not.toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/preparedStatements: false/);
      expect(warnings[0]).toMatch(/max_prepared_statements/);
      // From now on: plain statements, no more warnings, still right.
      await crowd(gu);
      expect(warnings).toHaveLength(1);
    });

    it("preparedStatementPool(): inside a transaction the statement fails once with DATABASE_UNAVAILABLE", async () => {
      const warnings: string[] = [];
      const pool = new pg.Pool({ connectionString: bouncerUrl("helper"), max: 2 });
      pools.push(pool);
      const db = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: preparedStatementPool(pool, { logger: { warn: (m: string) => warnings.push(m) } }),
        }),
      });
      const text = preparedStatement("select $1::int + 1 as n");
      const run = (on: Kysely<unknown>, n: number) =>
        on.executeQuery<{ n: number }>(CompiledQuery.raw(text, [n])).then((r) => r.rows[0]?.n);
      const failure = await db.connection().execute(async (first) => {
        expect(await run(first, 1)).toBe(2); // prepared on the one server connection
        // The second pg client (the first is held) Parses the same name there: 42P05.
        return db
          .transaction()
          .execute((trx) => run(trx, 2))
          .then(
            () => null,
            (error: unknown) => error,
          );
      });
      expect(failure).toBeInstanceOf(GuestUserError);
      expect((failure as GuestUserError).code).toBe("DATABASE_UNAVAILABLE");
      expect(warnings).toHaveLength(1);
      // Off now: the same statement works in a transaction and outside, with no new warning.
      expect(await db.transaction().execute((trx) => run(trx, 3))).toBe(4);
      expect(await run(db, 4)).toBe(5);
      expect(warnings).toHaveLength(1);
    });
  },
);
