import { type RawBuilder, sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import { continueLinkQueries } from "./continue-link-store.ts";
import { affectedRows, type Db } from "./dialect.ts";
import { readRows } from "./direct-reads.ts";
import { preparedQuery } from "./prepared-statements.ts";
import type { KeepIf } from "./retention.ts";
import type { Tables } from "./tables.ts";
import {
  type RawUserColumns,
  toMillis,
  toUserRow,
  type UserRow,
  userColumns,
} from "./user-store.ts";

/** A stored session: the public id, the hash of its secret, and when it ends. */
export interface SessionRow {
  readonly id: string;
  readonly secretHash: string;
  readonly userId: UserId;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What the hot path's query read of a guest row: its times and the keep rule's answer. */
export interface SessionGuest {
  readonly createdAt: number;
  /** The row's `last_seen_at`; moved on by the sliding-expiry write that follows a lookup. */
  lastSeenAt: number;
  /** What the `keepIf` rule said at lookup time; false when no rule is configured. */
  readonly kept: boolean;
}

/** The answer of the hot path's one query: the session, its user, and whether it is a guest. */
export interface SessionLookup {
  readonly session: SessionRow;
  readonly user: UserRow;
  readonly isGuest: boolean;
  /** The guest row's times (null for a registered user; absent in hand-made lookups). */
  readonly guest?: SessionGuest | null;
}

type RawLookup = RawUserColumns &
  Record<"session_id" | "secret_hash", string> &
  Record<"session_created_at" | "expires_at" | "guest_user_id" | "guest_kept", unknown> &
  Record<"guest_created_at" | "guest_last_seen_at", unknown>;

/**
 * Session queries on the configured tables. With `keepIf` (the `retention.keepIf` option) the
 * lookup also says whether a guest is kept: the rule runs for guests only, in the same query.
 */
export function sessionQueries(tables: Tables, keepIf: KeepIf | null = null) {
  const sessions = sql.table(tables.sessions);
  const { users } = tables;
  // Registered users (no guest row) never evaluate the rule.
  const kept = (rule: KeepIf | null) =>
    rule
      ? sql`, case when g.user_id is null then null when (${rule(sql.ref("g.user_id"))}) then 1 else 0 end as guest_kept`
      : sql``;
  // The hot path's queries, each compiled once per Kysely instance (not per request) and run
  // as a prepared statement where the pool allows it.
  const lookupQuery = preparedQuery(
    (id: string) => sql<RawLookup>`
        select s.id as session_id, s.secret_hash, s.created_at as session_created_at, s.expires_at,
          g.user_id as guest_user_id, g.created_at as guest_created_at,
          g.last_seen_at as guest_last_seen_at${kept(keepIf)}, ${userColumns(tables, "u")}
        from ${sessions} as s
        join ${sql.table(users.table)} as u on ${sql.ref(`u.${users.id}`)} = s.user_id
        left join ${sql.table(tables.guests)} as g on g.user_id = s.user_id
        where s.id = ${id}`,
  );
  const insertQuery = preparedQuery(
    (id: string, secretHash: string, userId: UserId, createdAt: number, expiresAt: number) =>
      sql`insert into ${sessions} (id, secret_hash, user_id, created_at, expires_at)
        values (${id}, ${secretHash}, ${userId}, ${createdAt}, ${expiresAt})`,
  );
  const extendQuery = preparedQuery(
    (id: string, expiresAt: number) =>
      sql`update ${sessions} set expires_at = ${expiresAt} where id = ${id}`,
  );
  const deleteWhere = async (db: Db, where: RawBuilder<unknown>) =>
    affectedRows(await sql`delete from ${sessions} where ${where}`.execute(db));
  // The continue links end with the session that asked for them, and with all of a user's.
  const links = continueLinkQueries(tables);
  return {
    async insert(db: Db, row: SessionRow): Promise<void> {
      const { id, secretHash, userId, createdAt, expiresAt } = row;
      await db.executeQuery(insertQuery(db, [id, secretHash, userId, createdAt, expiresAt]));
    },

    /**
     * ONE query: session joined to its user, left-joined to the guest row (its times, and the
     * `keepIf` rule's answer when one is configured).
     */
    async lookup(db: Db, id: string): Promise<SessionLookup | undefined> {
      // On a pool guest-user opened, straight to the driver (the same statement and pool).
      const raw = (await readRows(db, lookupQuery(db, [id])))[0];
      if (!raw) return undefined;
      const user = toUserRow(raw, tables);
      const isGuest = raw.guest_user_id !== null && raw.guest_user_id !== undefined;
      return {
        session: {
          id: raw.session_id,
          secretHash: raw.secret_hash,
          userId: user.id,
          createdAt: toMillis(raw.session_created_at) ?? 0,
          expiresAt: toMillis(raw.expires_at) ?? 0,
        },
        user,
        isGuest,
        guest: isGuest
          ? {
              createdAt: toMillis(raw.guest_created_at) ?? 0,
              lastSeenAt: toMillis(raw.guest_last_seen_at) ?? 0,
              kept: Number(raw.guest_kept ?? 0) === 1,
            }
          : null,
      };
    },

    async extend(db: Db, id: string, expiresAt: number): Promise<void> {
      await db.executeQuery(extendQuery(db, [id, expiresAt]));
    },

    /** Ends one session, and the continue links it asked for. */
    async delete(db: Db, id: string): Promise<void> {
      await links.deleteForSession(db, id);
      await deleteWhere(db, sql`id = ${id}`);
    },

    /** Ends every session of a user, and its continue links; returns how many sessions. */
    async deleteForUser(db: Db, userId: UserId): Promise<number> {
      await links.deleteForUser(db, userId);
      return deleteWhere(db, sql`user_id = ${userId}`);
    },

    deleteExpired: (db: Db, now: number) => deleteWhere(db, sql`expires_at <= ${now}`),
  };
}

/** The session queries bound to one set of tables. */
export type SessionQueries = ReturnType<typeof sessionQueries>;
