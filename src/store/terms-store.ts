import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import type { Db, DialectUpserts } from "./dialect.ts";
import type { Tables } from "./tables.ts";
import { toMillis } from "./user-store.ts";

/** The terms-of-service version a user accepted, and when. */
export interface TermsAcceptance {
  /** The version accepted, e.g. `"2026-11"`. */
  readonly version: string;
  /** Milliseconds since the epoch. */
  readonly acceptedAt: number;
}

/** Terms-of-service acceptances (one row per user) on the configured tables. */
export function termsQueries(tables: Tables, upserts: DialectUpserts) {
  const table = sql.table(tables.termsAcceptances);
  return {
    /**
     * Records that `userId` accepted `version` at `now`, replacing an earlier acceptance: one
     * statement (an upsert), so it can run inside the transaction that creates or converts
     * the user.
     */
    async upsert(db: Db, userId: UserId, version: string, now: number): Promise<void> {
      const update = upserts.onConflict(
        sql`user_id`,
        sql`version = ${version}, accepted_at = ${now}`,
      );
      await sql`insert into ${table} (user_id, version, accepted_at)
        values (${userId}, ${version}, ${now}) ${update}`.execute(db);
    },

    /** The user's acceptance, or undefined when it never accepted any version. One query. */
    async find(db: Db, userId: UserId): Promise<TermsAcceptance | undefined> {
      const { rows } = await sql<{ version: unknown; accepted_at: unknown }>`
        select version, accepted_at from ${table} where user_id = ${userId}`.execute(db);
      const row = rows[0];
      return row && { version: String(row.version), acceptedAt: toMillis(row.accepted_at) ?? 0 };
    },
  };
}
