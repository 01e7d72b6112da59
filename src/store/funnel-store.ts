import { type RawBuilder, sql } from "kysely";
import type { Db, DialectUpserts } from "./dialect.ts";
import type { Tables } from "./tables.ts";

/** The events the funnel counts, one column each in the daily counters table. */
export type FunnelEvent = "created" | "converted" | "merged" | "deleted" | "convertedAfterQuota";

/** One UTC day of the funnel. */
export interface FunnelDay {
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly created: number;
  readonly converted: number;
  readonly merged: number;
  readonly deleted: number;
  /** Of `converted`: guests that a quota had refused before they converted (issue 20). */
  readonly convertedAfterQuota: number;
}

/** Shards per day: parallel first visits spread over this many counter rows. */
export const FUNNEL_SHARDS = 8;

/** The UTC day of a time in milliseconds since the epoch, as `YYYY-MM-DD`. */
export const dayOf = (millis: number): string => new Date(millis).toISOString().slice(0, 10);

/** A random shard of today's counter row: parallel bumps mostly lock different rows. */
export const randomShard = (): number => Math.floor(Math.random() * FUNNEL_SHARDS);

const COLUMNS: readonly FunnelEvent[] = [
  "created",
  "converted",
  "merged",
  "deleted",
  "convertedAfterQuota",
];

/** Each event's column. */
const COLUMN_OF: Readonly<Record<FunnelEvent, string>> = {
  created: "created",
  converted: "converted",
  merged: "merged",
  deleted: "deleted",
  convertedAfterQuota: "converted_after_quota",
};

/** Funnel counters on the configured tables. */
export function funnelQueries(tables: Tables, upserts: DialectUpserts) {
  const table = sql.table(tables.funnel);
  /** `insert into <funnel> (day, shard, <event>) <rows>`, adding `count` to a row already there. */
  const insertCounts = (event: FunnelEvent, rows: RawBuilder<unknown>, count: unknown) => {
    const column = sql.ref(COLUMN_OF[event]);
    const add = sql`${column} = ${upserts.addInserted(table, column, count)}`;
    const upsert = upserts.onConflict(sql`day, shard`, add);
    return sql`insert into ${table} (day, shard, ${column}) ${rows} ${upsert}`;
  };
  /**
   * `insert ... values (day, shard, count)` with this dialect's upsert: the statement behind
   * {@link bumpQuery} for a number, and (with placeholders for `day` and `shard`) a part of
   * statements compiled once, such as PostgreSQL's one-statement guest creation.
   */
  const upsertQuery = (event: FunnelEvent, day: unknown, shard: unknown, count: unknown) =>
    insertCounts(event, sql`values (${day}, ${shard}, ${count})`, count);
  /**
   * The statement that adds `count` to today's `event` counter, for a caller that runs it
   * itself inside the event's transaction (say synchronously, or as part of one statement);
   * null when `count` is a number that is not positive (nothing to add). `count` may be an
   * SQL expression (PostgreSQL and SQLite only): the row is then written only when it is
   * positive.
   */
  const bumpQuery = (
    event: FunnelEvent,
    count: number | RawBuilder<unknown>,
    now: number,
  ): RawBuilder<unknown> | null => {
    if (typeof count === "number" && !(count > 0)) return null;
    const day = dayOf(now);
    const shard = randomShard();
    if (typeof count === "number") return upsertQuery(event, day, shard, count);
    const positive = sql`select cast(${day} as varchar(10)), cast(${shard} as integer), n
      from (select ${count} as n) as counted where n > 0`;
    return insertCounts(event, positive, sql`n`);
  };

  return {
    bumpQuery,
    upsertQuery,

    /**
     * Adds `count` to today's `event` counter. Call it with the transaction that does the
     * event itself, so the count is exact: it commits or rolls back with the event.
     */
    async bump(db: Db, event: FunnelEvent, count: number, now: number): Promise<void> {
      await bumpQuery(event, count, now)?.execute(db);
    },

    /** The counted days from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`), oldest first; days without events are absent. */
    async read(db: Db, fromDay: string, toDay: string): Promise<FunnelDay[]> {
      const { rows } = await sql<Record<string, unknown>>`
        select day, sum(created) as created, sum(converted) as converted,
          sum(merged) as merged, sum(deleted) as deleted,
          sum(converted_after_quota) as converted_after_quota
        from ${table} where day >= ${fromDay} and day <= ${toDay}
        group by day order by day`.execute(db);
      return rows.map((row) => {
        const day = { day: String(row.day) } as { -readonly [K in keyof FunnelDay]: FunnelDay[K] };
        for (const event of COLUMNS) day[event] = Number(row[COLUMN_OF[event]] ?? 0);
        return day;
      });
    },
  };
}

export type FunnelQueries = ReturnType<typeof funnelQueries>;
