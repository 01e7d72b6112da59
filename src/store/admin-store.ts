import { type RawBuilder, sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import type { Db, DialectQuirks } from "./dialect.ts";
import { prefixRange } from "./dialects/username-collations.ts";
import type { Expiry, GuestRecord } from "./guest-store.ts";
import { expiredGuestsCondition } from "./retention.ts";
import type { Tables } from "./tables.ts";
import {
  type RawUserColumns,
  toMillis,
  toUserId,
  toUserRow,
  type UserRow,
  userColumns,
} from "./user-store.ts";
import { normalizeUsername, USERNAME_KEY_COLUMN, usernameKey } from "./username-case.ts";

/** Which guests a list shows: all, the active ones, or the expired ones. */
export type GuestFilter = "all" | "active" | "expired";

/** One row of the admin's guest list. */
export interface AdminGuestRow extends Pick<GuestRecord, "createdAt" | "lastSeenAt"> {
  readonly id: UserId;
  readonly username: string;
  /** Bytes of the guest's JSON data as stored (0 without data). */
  readonly dataSize: number;
  /** True when clean-up may delete it: the retention rule, evaluated in the same query. */
  readonly expired: boolean;
}

/**
 * Where a page starts: strictly after this row in the list's order. Newest first without a
 * search (`createdAt`); in username order with one (`key`, the database's own sort key of
 * the username, as {@link ListedGuest.sortKey} gave it).
 */
export type ListPosition =
  | { readonly createdAt: number; readonly id: UserId }
  | { readonly key: string; readonly id: UserId };

/** A listed row, with what the next page's position needs. */
export interface ListedGuest extends AdminGuestRow {
  /** The username's sort key in the database's order (only in a search). */
  readonly sortKey: string;
}

/** What one page of the list asks for. */
export interface GuestListQuery {
  readonly expiry: Expiry;
  readonly filter: GuestFilter;
  /** The search, a username prefix as typed (trimmed); null for no search. */
  readonly prefix: string | null;
  readonly after: ListPosition | null;
  readonly limit: number;
}

type RawRow = Record<"id" | "created_at" | "last_seen_at" | "data_size" | "expired", unknown> & {
  username: string;
  sort_key?: unknown;
};

/** The admin's queries: the guest list (keyset-paginated), lookups and locks by id. */
export function adminQueries(tables: Tables, quirks: DialectQuirks) {
  const { users } = tables;
  const guestsTable = sql.table(tables.guests);
  const username = sql.ref(`u.${users.username}`);
  const userId = sql.ref(`u.${users.id}`);
  const joined = sql`${guestsTable} as g join ${sql.table(users.table)} as u on ${userId} = g.user_id`;
  const dataSize = quirks.columns.jsonByteLength(sql`g.data`);
  /** The retention rule on the aliased guest row (`g`), the app's `keepIf` included. */
  const isExpired = (expiry: Expiry) => expiredGuestsCondition(expiry, "g");
  const columns = (expiry: Expiry) => sql`g.user_id as id, ${username} as username, g.created_at,
    g.last_seen_at, ${dataSize} as data_size,
    case when ${isExpired(expiry)} then 1 else 0 end as expired`;
  const toRow = (raw: RawRow): AdminGuestRow => ({
    id: toUserId(raw.id, users.idType),
    username: raw.username,
    createdAt: toMillis(raw.created_at) ?? 0,
    lastSeenAt: toMillis(raw.last_seen_at) ?? 0,
    dataSize: Number(raw.data_size ?? 0),
    expired: Number(raw.expired) === 1,
  });

  /**
   * A search's order and prefix range, on an index. The built-in table: its unique
   * `username_key` (migration 010: full case folding, so `ö` finds `Öland` on SQLite too; code
   * point order on every database), a range. An app's table: `quirks.usernames`.
   */
  const keyed = users.builtIn;
  const sortKey = keyed ? sql.ref(`u.${USERNAME_KEY_COLUMN}`) : quirks.usernames.sortKey(username);
  const prefixCondition = (prefix: string): RawBuilder<unknown> =>
    keyed ? prefixRange(sortKey, prefix) : quirks.usernames.startsWith(sortKey, prefix);

  const filterCondition = (expiry: Expiry, filter: GuestFilter) => {
    const { column, cutoff, keepIf, keptCutoff } = expiry;
    if (filter === "all") return null;
    if (filter === "active" && !keepIf) return sql`${sql.ref(`g.${column}`)} >= ${cutoff}`;
    const expired = isExpired(expiry);
    if (filter === "active") return sql`not (${expired})`;
    // A guest's last request is never before its creation (it is first written an hour or
    // more later, at a session refresh), so an expired guest is also created before the
    // (later) cutoff: that bound lets the list walk the (created_at, user_id) index from there.
    const later = keepIf && keptCutoff !== null ? Math.max(cutoff, keptCutoff) : cutoff;
    return column === "last_seen_at" ? sql`${expired} and g.created_at < ${later}` : expired;
  };

  return {
    /**
     * One page of guests starting strictly after `query.after`: newest first (`created_at`,
     * then `user_id`, both descending), or with a prefix search in username order (its sort
     * key, then the id). A keyset page, as fast at the millionth row as at the first (never
     * OFFSET), and a search reads only about a page of the username index whatever matches.
     */
    async list(db: Db, query: GuestListQuery): Promise<ListedGuest[]> {
      const conditions: RawBuilder<unknown>[] = [];
      const filter = filterCondition(query.expiry, query.filter);
      if (filter) conditions.push(filter);
      const { after, prefix: search } = query;
      // Folded as the keys are; lower case as the database's lower() for an app's table.
      const prefix =
        search && (keyed ? usernameKey(search) : normalizeUsername(search).toLowerCase());
      if (prefix) conditions.push(prefixCondition(prefix));
      if (after && "key" in after) {
        // The key is unique: after it is simply above it.
        conditions.push(
          keyed
            ? sql`${sortKey} > ${after.key}`
            : sql`${sortKey} >= ${after.key} and (${sortKey} > ${after.key} or ${userId} > ${after.id})`,
        );
      } else if (after) {
        const { createdAt, id } = after;
        conditions.push(
          sql`g.created_at <= ${createdAt} and (g.created_at < ${createdAt} or g.user_id < ${id})`,
        );
      }
      const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
      const order = prefix
        ? sql`order by ${keyed ? sortKey : sql.join([sortKey, userId])}`
        : sql`order by g.created_at desc, g.user_id desc`;
      const { rows } =
        await sql<RawRow>`select ${columns(query.expiry)}, ${prefix ? sortKey : sql`''`} as sort_key
        from ${joined} ${where} ${order} limit ${query.limit}`.execute(db);
      return rows.map((row) => ({ ...toRow(row), sortKey: String(row.sort_key ?? "") }));
    },

    /** The guests among `ids` (registered users and unknown ids are left out), newest first. */
    async find(db: Db, ids: readonly UserId[], expiry: Expiry): Promise<AdminGuestRow[]> {
      if (ids.length === 0) return [];
      const { rows } = await sql<RawRow>`select ${columns(expiry)} from ${joined}
        where ${quirks.inList(sql.ref("g.user_id"), ids)}
        order by g.created_at desc, g.user_id desc`.execute(db);
      return rows.map(toRow);
    },

    /**
     * Locks the guest rows among `ids` for the rest of the transaction `trx` and returns
     * their users (registered users and unknown ids are left out). SQLite takes the write
     * lock first; elsewhere SELECT ... FOR UPDATE, in id order (two admins deleting
     * overlapping sets wait for each other instead of deadlocking): a guest converting
     * meanwhile is either converted first (and left out) or waits for us.
     */
    async lockGuestUsers(trx: Db, ids: readonly UserId[]): Promise<UserRow[]> {
      if (ids.length === 0) return [];
      await quirks.lockForWrite(trx, tables);
      const { rows } = await sql<RawUserColumns>`select ${userColumns(tables, "u")} from ${joined}
        where ${quirks.inList(sql.ref("g.user_id"), ids)}
        order by g.user_id ${quirks.forUpdate}`.execute(trx);
      return rows.map((row) => toUserRow(row, tables));
    },
  };
}
