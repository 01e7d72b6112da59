import { sql } from "kysely";
import type { Db, DialectName } from "./dialect.ts";
import type { Tables } from "./tables.ts";

/** The events the funnel counts, one column each in the daily counters table. */
export type FunnelEvent = "created" | "converted" | "merged" | "deleted";

/** One UTC day of the funnel. */
export interface FunnelDay {
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly created: number;
  readonly converted: number;
  readonly merged: number;
  readonly deleted: number;
}

/** Shards per day: parallel first visits spread over this many counter rows. */
export const FUNNEL_SHARDS = 8;

/** The UTC day of a time in milliseconds since the epoch, as `YYYY-MM-DD`. */
export const dayOf = (millis: number): string => new Date(millis).toISOString().slice(0, 10);

const COLUMNS: readonly FunnelEvent[] = ["created", "converted", "merged", "deleted"];

/** Funnel counters on the configured tables. */
export function funnelQueries(tables: Tables, dialect: DialectName) {
  const table = sql.table(tables.funnel);
  return {
    /**
     * Adds `count` to today's `event` counter. Call it with the transaction that does the
     * event itself, so the count is exact: it commits or rolls back with the event.
     */
    async bump(db: Db, event: FunnelEvent, count: number, now: number): Promise<void> {
      if (count <= 0) return;
      const column = sql.ref(event);
      const day = dayOf(now);
      const shard = Math.floor(Math.random() * FUNNEL_SHARDS);
      const upsert =
        dialect === "mysql"
          ? sql`on duplicate key update ${column} = ${column} + ${count}`
          : sql`on conflict (day, shard) do update set ${column} = ${table}.${column} + ${count}`;
      await sql`insert into ${table} (day, shard, ${column}) values (${day}, ${shard}, ${count}) ${upsert}`.execute(
        db,
      );
    },

    /** The counted days from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`), oldest first; days without events are absent. */
    async read(db: Db, fromDay: string, toDay: string): Promise<FunnelDay[]> {
      const { rows } = await sql<Record<FunnelEvent | "day", unknown>>`
        select day, sum(created) as created, sum(converted) as converted,
          sum(merged) as merged, sum(deleted) as deleted
        from ${table} where day >= ${fromDay} and day <= ${toDay}
        group by day order by day`.execute(db);
      return rows.map((row) => {
        const day = { day: String(row.day) } as { -readonly [K in keyof FunnelDay]: FunnelDay[K] };
        for (const column of COLUMNS) day[column] = Number(row[column] ?? 0);
        return day;
      });
    },
  };
}

export type FunnelQueries = ReturnType<typeof funnelQueries>;
