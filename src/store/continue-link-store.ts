import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import { affectedRows, type Db } from "./dialect.ts";
import type { Tables } from "./tables.ts";
import { toMillis, toUserId } from "./user-store.ts";

/** A stored continue link: the public id, the hash of its secret, whose it is and until when. */
export interface ContinueLinkRow {
  readonly id: string;
  readonly secretHash: string;
  readonly userId: UserId;
  /** The session that asked for it: the link ends with that session (null: none). */
  readonly sessionId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

type RawLink = Record<"id" | "secret_hash", string> &
  Record<"user_id" | "session_id" | "created_at" | "expires_at", unknown>;

/**
 * The continue links' queries. A link is used by deleting its row (`consume`): of two
 * parallel uses exactly one deletes the row, so exactly one succeeds, on every database.
 */
export function continueLinkQueries(tables: Tables) {
  const table = sql.table(tables.continueLinks);
  const deleteWhere = async (db: Db, where: ReturnType<typeof sql>) =>
    affectedRows(await sql`delete from ${table} where ${where}`.execute(db));
  return {
    async insert(db: Db, row: ContinueLinkRow): Promise<void> {
      const { id, secretHash, userId, sessionId, createdAt, expiresAt } = row;
      await sql`insert into ${table} (id, secret_hash, user_id, session_id, created_at, expires_at)
        values (${id}, ${secretHash}, ${userId}, ${sessionId}, ${createdAt}, ${expiresAt})`.execute(
        db,
      );
    },

    /** The link `id`, or undefined; read only (the confirm page), used or not. */
    async find(db: Db, id: string): Promise<ContinueLinkRow | undefined> {
      const { rows } = await sql<RawLink>`select id, secret_hash, user_id, session_id, created_at,
        expires_at from ${table} where id = ${id}`.execute(db);
      const raw = rows[0];
      if (!raw) return undefined;
      return {
        id: raw.id,
        secretHash: raw.secret_hash,
        userId: toUserId(raw.user_id, tables.users.idType),
        sessionId: raw.session_id === null ? null : String(raw.session_id),
        createdAt: toMillis(raw.created_at) ?? 0,
        expiresAt: toMillis(raw.expires_at) ?? 0,
      };
    },

    /** Uses the link: deletes its row if it is unexpired at `now`; true for the one caller that did. */
    consume: async (db: Db, id: string, now: number): Promise<boolean> =>
      (await deleteWhere(db, sql`id = ${id} and expires_at > ${now}`)) === 1,

    /** Ends every link of a user (log-out everywhere, conversion, password change). */
    deleteForUser: (db: Db, userId: UserId) => deleteWhere(db, sql`user_id = ${userId}`),

    /** Ends the links that session `sessionId` asked for (its log-out). */
    deleteForSession: (db: Db, sessionId: string) =>
      deleteWhere(db, sql`session_id = ${sessionId}`),

    /** Deletes the expired links; returns how many. */
    deleteExpired: (db: Db, now: number) => deleteWhere(db, sql`expires_at <= ${now}`),
  };
}

/** The continue link queries bound to one set of tables. */
export type ContinueLinkQueries = ReturnType<typeof continueLinkQueries>;
