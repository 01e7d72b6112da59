import { type Kysely, sql } from "kysely";
import { createPool } from "mysql2";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import { mysqlDatabase } from "../../src/store/dialects/mysql.ts";
import { postgresDatabase } from "../../src/store/dialects/postgres.ts";
import {
  availableDialects,
  endsQuietly,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { FAST_HASHING, testClock } from "../support/guest-users.ts";

const available = availableDialects();
const quiet = { warn() {}, error() {} };

/** What a test does on a GuestUsers: first visits, returning visits and one refresh. */
async function hotPath(gu: GuestUsers, clock: ReturnType<typeof testClock>) {
  const answers: unknown[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { user, session } = await gu.createGuestSession();
    answers.push({ ...user, id: typeof user.id, username: typeof user.username });
    tokens.push(session.token);
  }
  const registered = await gu.createGuestUser();
  tokens.push((await gu.createSession(registered.id)).token);
  for (const token of tokens) answers.push(strip(await gu.validateSession(token)));
  clock.advance(2 * 24 * 3600); // past the refresh interval: extend + touch run
  for (const token of tokens) answers.push(strip(await gu.validateSession(token)));
  for (const token of tokens) answers.push(strip(await gu.validateSession(token)));
  answers.push(strip(await gu.validateSession(`${tokens[0]?.slice(0, 23)}x`)));
  return answers;
}

/** The answer without what differs between two databases (ids count the same way). */
function strip(value: Awaited<ReturnType<GuestUsers["validateSession"]>>) {
  if (!value) return value;
  const { token: _token, ...session } = value.session;
  const user = { ...value.user, id: typeof value.user.id, username: typeof value.user.username };
  return { ...value, session, user };
}

/** The marked statements prepared on a Kysely's connections (all `n` of them, held at once). */
async function preparedNames(db: Kysely<unknown>, query: string, n: number): Promise<string[]> {
  const names = new Set<string>();
  let arrived = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  await Promise.all(
    Array.from({ length: n }, () =>
      db.connection().execute(async (connection) => {
        const { rows } = await sql<{ name: string }>`${sql.raw(query)}`.execute(connection);
        for (const row of rows) names.add(String(row.name));
        if (++arrived === n) release();
        await all;
      }),
    ),
  );
  return [...names].sort();
}

const PG_NAMES =
  "select name, statement from pg_prepared_statements where name like 'guest_user_%'";

(available.includes("postgres") ? describe : describe.skip)(
  "prepared statements [postgres]",
  () => {
    let database: IsolatedDatabase;
    const opened: GuestUsers[] = [];
    const pools: pg.Pool[] = [];
    beforeAll(async () => {
      database = await isolatedDatabase("postgres");
      const gu = createGuestUsers({ database: database.url, logger: quiet });
      await gu.migrate();
      await gu.close();
    });
    afterAll(async () => {
      for (const gu of opened) await gu.close();
      for (const pool of pools) await pool.end();
      await database.drop();
    });

    const open = async (how: string, preparedStatements: boolean) => {
      const clock = testClock();
      const common = { passwordHashing: FAST_HASHING, logger: quiet, clock: clock.now };
      let connections = 1;
      let gu: GuestUsers;
      if (how === "url") {
        // createGuestUsers makes the pool (max 10): its option reaches that pool.
        gu = createGuestUsers({ ...common, database: database.url, preparedStatements });
        connections = 10;
      } else if (how === "postgresDatabase(url)") {
        gu = createGuestUsers({
          ...common,
          database: postgresDatabase(database.url, { max: 1, preparedStatements }),
        });
      } else {
        const pool = endsQuietly(new pg.Pool({ connectionString: database.url, max: 1 }));
        pools.push(pool);
        gu = createGuestUsers({ ...common, database: pool, preparedStatements });
      }
      opened.push(gu);
      return { gu, clock, connections };
    };

    let reference: unknown[] | undefined;
    for (const how of ["url", "postgresDatabase(url)", "app pg Pool"]) {
      for (const on of [true, false]) {
        it(`${how}, preparedStatements: ${on}`, async () => {
          const { gu, clock, connections } = await open(how, on);
          const answers = await hotPath(gu, clock);
          reference ??= answers;
          expect(answers).toEqual(reference);
          const names = await preparedNames(gu.db as Kysely<unknown>, PG_NAMES, connections);
          if (on) {
            // lookup, extend, touch, session insert (and the one-statement guest insert, if any)
            expect(names.length).toBeGreaterThanOrEqual(4);
            for (const name of names) expect(name).toMatch(/^guest_user_[0-9a-f]{20}$/);
          } else {
            expect(names).toEqual([]);
          }
        });
      }
    }

    it("runs the lookup as a named statement: its text is the session lookup", async () => {
      const { gu, clock } = await open("app pg Pool", true);
      await hotPath(gu, clock);
      const { rows } = await sql<{ statement: string }>`${sql.raw(PG_NAMES)}`.execute(
        gu.db as Kysely<unknown>,
      );
      const texts = rows.map((row) => row.statement.replace(/\s+/g, " "));
      expect(texts.some((text) => /select s\.id as session_id.*where s\.id = \$1/.test(text))).toBe(
        true,
      );
      expect(texts.some((text) => /^update "guest_user_sessions" set expires_at/.test(text))).toBe(
        true,
      );
    });

    it("rejects a preparedStatements that is not a boolean", () => {
      expect(() =>
        createGuestUsers({
          database: database.url,
          preparedStatements: "yes" as unknown as boolean,
        }),
      ).toThrow(/preparedStatements/);
    });
  },
);

const MY_STATUS = "show session status like 'Com_stmt_%'";

/** Com_stmt_prepare and Com_stmt_execute of the ONE connection of `db`. */
async function statementCounters(db: Kysely<unknown>) {
  const { rows } = await sql<{ Variable_name: string; Value: string }>`${sql.raw(
    MY_STATUS,
  )}`.execute(db);
  const value = (name: string) => Number(rows.find((row) => row.Variable_name === name)?.Value);
  return { prepare: value("Com_stmt_prepare"), execute: value("Com_stmt_execute") };
}

(available.includes("mysql") ? describe : describe.skip)("prepared statements [mysql]", () => {
  let database: IsolatedDatabase;
  const opened: GuestUsers[] = [];
  beforeAll(async () => {
    database = await isolatedDatabase("mysql");
    const gu = createGuestUsers({ database: database.url, logger: quiet });
    await gu.migrate();
    await gu.close();
  });
  afterAll(async () => {
    for (const gu of opened) await gu.close();
    await database.drop();
  });

  let reference: unknown[] | undefined;
  for (const how of ["mysqlDatabase(url)", "app mysql2 pool"]) {
    for (const on of [true, false]) {
      it(`${how}, preparedStatements: ${on}`, async () => {
        const clock = testClock();
        const common = { passwordHashing: FAST_HASHING, logger: quiet, clock: clock.now };
        const gu =
          how === "mysqlDatabase(url)"
            ? createGuestUsers({
                ...common,
                database: mysqlDatabase(database.url, { max: 1, preparedStatements: on }),
              })
            : createGuestUsers({
                ...common,
                database: createPool({
                  uri: database.url,
                  connectionLimit: 1,
                  supportBigNumbers: true,
                }),
                preparedStatements: on,
              });
        opened.push(gu);
        const db = gu.db as Kysely<unknown>;
        const before = await statementCounters(db);
        const answers = await hotPath(gu, clock);
        const after = await statementCounters(db);
        reference ??= answers;
        expect(answers).toEqual(reference);
        const executed = after.execute - before.execute;
        const prepared = after.prepare - before.prepare;
        if (on) {
          // 3 session inserts + 9 lookups + 3 extends + 2 guest touches, at least
          expect(executed).toBeGreaterThanOrEqual(17);
          // mysql2 caches each statement per connection: prepared once, not per call
          expect(prepared).toBeLessThanOrEqual(6);
          expect(prepared).toBeGreaterThanOrEqual(4);
        } else {
          expect(executed).toBe(0);
          expect(prepared).toBe(0);
        }
      });
    }
  }
});
