import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";
import { createGuestUsers } from "../../src/index.ts";
import { accountsDdl, accountsUsers } from "../support/app-tables.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { APPLIED_ALL, cli, REPO, seed, spawnCli, statsJson, writeConfig } from "./support.ts";

// The CLI acting on the app's own options (`--config` / guest-user.config.*): expireBy,
// users, tablePrefix, maxAge and database, on every database.

const DAY = 86_400;
const HOUR = 3_600;
const dir = mkdtempSync(join(tmpdir(), "guest-user-cli-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase("cli config", (fx) => {
  let files = 0;
  /** A config file of its own for one test (tests share the directory and the database). */
  const config = (options: object) =>
    writeConfig(dir, `${fx.dialect}-${++files}.config.mjs`, {
      options: { database: fx.database().url, ...options },
    });
  const ago = (seconds: number) => () => Date.now() - seconds * 1000;

  it('with expireBy: "lastSeenAt", an old guest seen recently survives delete-expired', async () => {
    const tablePrefix = "seen_";
    const session = { maxAge: 60 * DAY };
    const old = await fx.open({ tablePrefix, session, clock: ago(30 * DAY) });
    const active = await old.createGuestSession();
    const idle = await old.createGuestSession();
    // A request an hour ago: the session is refreshed and the guest marked as seen.
    const recent = await fx.open({ tablePrefix, session, clock: ago(HOUR) });
    expect((await recent.validateSession(active.session.token))?.refreshed).toBe(true);

    // Flags alone know nothing of expireBy: both guests look expired (the data loss of issue 6).
    const flagsOnly = ["--database", fx.database().url, "--table-prefix", tablePrefix];
    expect(
      (await cli(["stats", ...flagsOnly, "--max-age", String(7 * DAY), "--json"])).stdout,
    ).toEqual(statsJson(2, 2));

    const file = config({ tablePrefix, expireBy: "lastSeenAt", maxAge: 7 * DAY });
    expect(await cli(["stats", "--config", file, "--json"])).toEqual({
      code: 0,
      stdout: statsJson(2, 1),
      stderr: "",
    });
    expect(await cli(["delete-expired", "--config", file])).toEqual({
      code: 0,
      stdout: "Deleted 1 expired guest (and 0 expired sessions).\n",
      stderr: `Using config ${file}\n`,
    });
    expect(await recent.getUser(idle.user)).toBeNull();
    expect(await recent.getUser(active.user)).toMatchObject({ id: active.user.id, isGuest: true });
    expect((await recent.validateSession(active.session.token))?.user.id).toBe(active.user.id);
  });

  it("works on the app's own users table through the config, for every command", async () => {
    const table = "cli_accounts";
    const admin = createGuestUsers({ database: fx.database().url });
    try {
      await accountsDdl(fx.dialect, table).execute(admin.db);
      await sql`insert into ${sql.table(table)} (login, pw_hash, mail)
        values ('app_admin', 'not-our-hash', 'admin@example.com')`.execute(admin.db);
    } finally {
      await admin.close();
    }
    const options = { tablePrefix: "own_", users: accountsUsers(table) };
    const file = config(options);
    const migrated = await cli(["migrate", "--config", file]);
    expect(migrated).toMatchObject({ code: 0, stdout: APPLIED_ALL });

    const old = await fx.open({ ...options, clock: ago(30 * DAY) });
    const expired = [await old.createGuestUser(), await old.createGuestUser()];
    const fresh = await (await fx.open({ ...options, clock: ago(HOUR) })).createGuestUser();

    expect((await cli(["stats", "--config", file, "--json"])).stdout).toEqual(statsJson(3, 2));
    expect((await cli(["delete-expired", "--config", file, "--batch-size", "1"])).stdout).toBe(
      "Deleted 2 expired guests (and 0 expired sessions).\n",
    );
    for (const user of expired) expect(await old.getUser(user)).toBeNull();
    expect(await old.getUser(fresh)).toMatchObject({ isGuest: true });
    const { rows } = await sql<{ login: string }>`select login from ${sql.table(table)}
      order by account_id`.execute(old.db);
    expect(rows.map((row) => row.login)).toEqual(["app_admin", fresh.username]);
    expect((await cli(["stats", "--config", file, "--json"])).stdout).toEqual(statsJson(1, 0));
  });

  it("lets flags override the config's database, tablePrefix and maxAge", async () => {
    await seed(fx, "over_");
    const url = fx.database().url;
    const wrong = config({
      database: "postgres://127.0.0.1:1/nowhere",
      tablePrefix: "missing_",
      maxAge: HOUR,
    });
    const flags = ["--database", url, "--table-prefix", "over_"];
    expect((await cli(["stats", "--config", wrong, ...flags, "--json"])).stdout).toEqual(
      statsJson(5, 5),
    );
    expect(
      (await cli(["stats", "--config", wrong, ...flags, "--max-age", String(60 * DAY), "--json"]))
        .stdout,
    ).toEqual(statsJson(5, 0));
    expect(
      (await cli(["delete-expired", "--config", wrong, ...flags, "--max-age", String(DAY)])).stdout,
    ).toBe("Deleted 3 expired guests (and 1 expired session).\n");
  });

  it("takes the config's database over DATABASE_URL, and DATABASE_URL when it has none", async () => {
    await seed(fx, "env_");
    const nowhere = { DATABASE_URL: "postgres://127.0.0.1:1/nowhere" };
    const withDatabase = config({ tablePrefix: "env_" });
    expect(await cli(["stats", "--config", withDatabase, "--json"], { env: nowhere })).toEqual({
      code: 0,
      stdout: statsJson(5, 3),
      stderr: "",
    });
    const withoutDatabase = config({ database: undefined, tablePrefix: "env_", maxAge: HOUR });
    const fromEnv = await cli(["stats", "--config", withoutDatabase, "--json"], {
      env: { DATABASE_URL: fx.database().url },
    });
    expect(fromEnv.stdout).toEqual(statsJson(5, 5));
  });

  // A networked driver's pool keeps idle connections; these keep them 120 s, so a pool left
  // open holds the process far past the bound below, however loaded the machine.
  const POOLS = {
    postgres: `new (require("pg").Pool)({ connectionString: URL, idleTimeoutMillis: 120000 })`,
    mysql: `require("mysql2").createPool({ uri: URL, idleTimeout: 120000 })`,
  } as const;
  const makePool = fx.dialect === "sqlite" ? null : POOLS[fx.dialect];
  if (makePool) {
    it("ends a pool the config made, so the executable exits at once", async () => {
      await seed(fx, "pool_");
      const file = writeConfig(dir, "pool.config.mjs", {
        source: `import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(REPO)});
const URL = ${JSON.stringify(fx.database().url)};
const pool = ${makePool};
export default { database: pool, tablePrefix: "pool_" };
`,
      });
      const started = Date.now();
      expect(await spawnCli(["delete-expired", "--config", file])).toEqual({
        code: 0,
        stdout: "Deleted 3 expired guests (and 1 expired session).\n",
        stderr: `Using config ${file}\n`,
      });
      // An open pool would hold the process for its idle timeout (120 s).
      expect(Date.now() - started).toBeLessThan(60_000);
    }, 90_000);
  }
});
