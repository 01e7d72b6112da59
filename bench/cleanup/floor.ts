/**
 * The floor: the clean-up's own statements (see plan.ts), same batch sizes, same transaction
 * shape, run on the bare driver the library uses (better-sqlite3, pg, mysql2), with nothing
 * else: no Kysely, no option parsing, no count before, no metrics. Like ours it yields to the
 * event loop (setImmediate) between batches, so that its stall is comparable.
 */
import { dayOf, randomShard } from "../../src/store/funnel-store.ts";
import type { FloorPlan } from "./plan.ts";
import { mysqlRemove } from "./plan.ts";

/** What the floor needs besides its plan. */
export interface FloorRun {
  /** The database the library was given (`sqlite:<path>`, `postgres://...`, `mysql://...`). */
  readonly url: string;
  /** Milliseconds since the epoch: the run's clock (ours': `settings.clock`). */
  readonly clock: () => number;
  /** Guests older than this (`created_at`) are expired. */
  readonly cutoff: number;
  /** The LIMIT of the i-th batch (0-based). */
  readonly limit: (batch: number) => number;
}

/** One batch: its count and the resume position (null: nothing picked, or SQLite). */
type Batch = (limit: number, after: number | null) => Promise<{ n: number; last: number | null }>;

/** A connection: runs a batch, runs a statement, closes. */
interface Driver {
  readonly batch: Batch;
  exec(text: string, params: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

const breathe = () => new Promise((resolve) => setImmediate(resolve));
const toNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));

async function sqliteDriver(plan: FloorPlan, run: FloorRun): Promise<Driver> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(run.url.replace(/^sqlite:/, ""));
  for (const pragma of plan.pragmas) db.prepare(pragma).run();
  const remove = db.prepare(plan.first);
  const bump = db.prepare(plan.bump as string);
  const batch = db.transaction((limit: number) => {
    const n = remove.run([run.cutoff, limit]).changes;
    if (n > 0) bump.run([dayOf(run.clock()), randomShard(), n]);
    return n;
  });
  return {
    batch: async (limit) => ({ n: batch.immediate(limit), last: null }),
    exec: async (text, params) => void db.prepare(text).run(params as unknown[]),
    close: async () => {
      db.close();
    },
  };
}

async function postgresDriver(plan: FloorPlan, run: FloorRun): Promise<Driver> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: run.url });
  await client.connect();
  return {
    async batch(limit, after) {
      const day = dayOf(run.clock());
      const { rows } =
        after === null
          ? await client.query(plan.first, [run.cutoff, limit, day, randomShard()])
          : await client.query(plan.resume as string, [
              run.cutoff,
              after,
              limit,
              day,
              randomShard(),
            ]);
      const row = rows[0] as { n: unknown; last: unknown } | undefined;
      return { n: Number(row?.n ?? 0), last: toNumber(row?.last) };
    },
    exec: async (text, params) => void (await client.query(text, params as unknown[])),
    close: () => client.end(),
  };
}

async function mysqlDriver(plan: FloorPlan, run: FloorRun): Promise<Driver> {
  const mysql = await import("mysql2");
  const pool = mysql.createPool({ uri: run.url, connectionLimit: 1, supportBigNumbers: true });
  const connection = await new Promise<import("mysql2").PoolConnection>((resolve, reject) =>
    pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn))),
  );
  const query = (text: string, params: readonly unknown[]) =>
    new Promise<unknown>((resolve, reject) =>
      connection.query(text, params as unknown[], (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  return {
    async batch(limit, after) {
      const day = dayOf(run.clock());
      await query(plan.begin as string, []);
      try {
        const rows = (await (after === null
          ? query(plan.first, [run.cutoff, limit])
          : query(plan.resume as string, [run.cutoff, after, limit]))) as {
          user_id: unknown;
          scan_at: unknown;
        }[];
        const ids = rows.map((row) => row.user_id);
        let n = 0;
        if (ids.length > 0) {
          const result = (await query(mysqlRemove(plan.remove as string, ids.length), ids)) as {
            affectedRows: number;
          };
          n = result.affectedRows;
          if (n > 0) await query(plan.bump as string, [day, randomShard(), n, n]);
        }
        await query(plan.commit as string, []);
        const last = rows.reduce<number | null>(
          (max, row) => Math.max(max ?? -Infinity, Number(row.scan_at)),
          null,
        );
        return { n, last };
      } catch (error) {
        await query("rollback", []);
        throw error;
      }
    },
    exec: async (text, params) => void (await query(text, params)),
    async close() {
      connection.release();
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    },
  };
}

/**
 * Connects (not part of the measure, as ours' pool is open already), then returns the clean-up
 * itself: batches until one from the oldest finds nothing (PostgreSQL, MySQL: resuming at the
 * previous batch's last `created_at`, as ours), then the epilogue; resolves to the users
 * deleted, calling `onBatch` after each batch that deleted (as ours' onProgress). Call the
 * returned `close` afterwards.
 */
export async function prepareFloor(plan: FloorPlan, run: FloorRun) {
  const open = { sqlite: sqliteDriver, postgres: postgresDriver, mysql: mysqlDriver }[plan.dialect];
  const driver = await open(plan, run);
  const cleanup = async (onBatch?: () => void): Promise<number> => {
    let [deleted, index] = [0, 0];
    let after: number | null = null;
    for (;;) {
      const { n, last } = await driver.batch(run.limit(index++), after);
      deleted += n;
      if (n > 0) onBatch?.();
      if (n === 0 && after === null) break;
      after = n === 0 ? null : last;
      await breathe();
    }
    const now = run.clock();
    for (const text of plan.epilogue) await driver.exec(text, [now]);
    return deleted;
  };
  return { cleanup, close: () => driver.close() };
}
