import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import { affectedRows, type Db } from "./dialect.ts";
import { preparedQuery } from "./prepared-statements.ts";
import { expiredGuestsCondition, type KeepIf, type RetentionCutoffs } from "./retention.ts";
import type { Tables } from "./tables.ts";
import { toMillis, toUserId } from "./user-store.ts";

/** JSON-compatible extra data stored with a guest: our answer to the reference's swappable model. */
export type GuestData = { readonly [key: string]: unknown };

/** A guest row. */
export interface GuestRecord {
  readonly userId: UserId;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch of the last request seen (updated at most once per session refresh). */
  readonly lastSeenAt: number;
  readonly data: GuestData | null;
}

/** Which guests are expired: the retention rule's column, cutoffs and `keepIf`. */
export type Expiry = RetentionCutoffs;

/** What `count` finds. */
export interface GuestCounts {
  /** Every guest. */
  readonly guests: number;
  /** The guests clean-up would delete now. */
  readonly expired: number;
  /** The guests the `keepIf` rule matches (expired ones included); 0 without a rule. */
  readonly kept: number;
}

type RawCounts = { guests: unknown; expired: unknown; kept: unknown };

const toCounts = (row: RawCounts | undefined): GuestCounts => ({
  guests: Number(row?.guests ?? 0),
  expired: Number(row?.expired ?? 0),
  kept: Number(row?.kept ?? 0),
});

type RawGuest = Record<"user_id" | "created_at" | "last_seen_at" | "data", unknown>;

/** The columns of a {@link GuestRecord}. */
const COLUMNS = sql`user_id, created_at, last_seen_at, data`;

const toJson = (data: GuestData | null) => (data === null ? null : JSON.stringify(data));

function parseData(value: unknown): GuestData | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || Buffer.isBuffer(value))
    return JSON.parse(value.toString()) as GuestData;
  return value as GuestData;
}

/** Guest queries on the configured tables. */
export function guestQueries(tables: Tables) {
  const guests = sql.table(tables.guests);
  const sessions = sql.table(tables.sessions);
  // The guest's id as the app's `keepIf` sees it: qualified (see KeepIf).
  const userIdRef = sql.ref(`${tables.guests}.user_id`);
  const toRecord = (raw: RawGuest): GuestRecord => ({
    userId: toUserId(raw.user_id, tables.users.idType),
    createdAt: toMillis(raw.created_at) ?? 0,
    lastSeenAt: toMillis(raw.last_seen_at) ?? 0,
    data: parseData(raw.data),
  });
  const findBy = async (db: Db, column: string, value: unknown) => {
    const { rows } = await sql<RawGuest>`select ${COLUMNS}
      from ${guests} where ${sql.ref(column)} = ${value}`.execute(db);
    return rows[0] && toRecord(rows[0]);
  };
  // The session refresh's guest update, compiled once per Kysely instance, prepared.
  const touchQuery = preparedQuery(
    (userId: UserId, now: number) =>
      sql`update ${guests} set last_seen_at = ${now} where user_id = ${userId}`,
  );
  return {
    /**
     * Inserts a guest row. `creationKey` (a hash tied to one browser) is unique: a second
     * insert with the same key fails with the driver's unique violation.
     */
    async insert(
      db: Db,
      userId: UserId,
      now: number,
      data: GuestData | null,
      creationKey: string | null = null,
    ): Promise<void> {
      await sql`insert into ${guests} (user_id, created_at, last_seen_at, data, creation_key)
        values (${userId}, ${now}, ${now}, ${toJson(data)}, ${creationKey})`.execute(db);
    },

    /** The guest that holds this creation key, if any (`createdAt` says when it was made). */
    findByCreationKey: (db: Db, creationKey: string) => findBy(db, "creation_key", creationKey),

    /**
     * Ends the creation key of the guest a session belongs to (its log-out): the key can no
     * longer reach that guest. Nothing for a registered user's session or an unknown id.
     */
    async endCreationKeyOfSession(db: Db, sessionId: string): Promise<void> {
      await sql`update ${guests} set creation_key = null
        where creation_key is not null
          and user_id = (select user_id from ${sessions} where id = ${sessionId})`.execute(db);
    },

    /** Deletes the guest row; 0 means the user was not (or no longer) a guest. */
    async delete(db: Db, userId: UserId): Promise<number> {
      return affectedRows(await sql`delete from ${guests} where user_id = ${userId}`.execute(db));
    },

    find: (db: Db, userId: UserId) => findBy(db, "user_id", userId),

    async setData(db: Db, userId: UserId, data: GuestData | null): Promise<number> {
      const update = sql`update ${guests} set data = ${toJson(data)} where user_id = ${userId}`;
      return affectedRows(await update.execute(db));
    },

    async touch(db: Db, userId: UserId, now: number): Promise<void> {
      await db.executeQuery(touchQuery(db, [userId, now]));
    },

    /**
     * The number of guests, of expired guests, and of guests the `keepIf` rule matches, in
     * one query (the rule runs once per guest: give the app's table an index on its user id).
     */
    async count(db: Db, expiry: Expiry): Promise<GuestCounts> {
      const expired = expiredGuestsCondition(expiry, tables.guests);
      // With a rule, three counts in one statement: each a WHERE the planner can turn into a
      // (anti-)semi-join on the app's index, where a CASE per row would run the rule's
      // subquery row by row (PostgreSQL, 100,000 guests: 1 s against a few ms).
      const query = expiry.keepIf
        ? sql<RawCounts>`select
            (select count(*) from ${guests}) as guests,
            (select count(*) from ${guests} where ${expired}) as expired,
            (select count(*) from ${guests} where ${expiry.keepIf(userIdRef)}) as kept`
        : sql<RawCounts>`
            select count(*) as guests,
              coalesce(sum(case when ${expired} then 1 else 0 end), 0) as expired, 0 as kept
            from ${guests}`;
      const { rows } = await query.execute(db);
      return toCounts(rows[0]);
    },

    /**
     * {@link count} over the next `limit` guests by user id after `after` (null: from the
     * first), with the last id seen (null when there were none): counting a large SQLite
     * table in slices lets the event loop run between them.
     */
    async countSlice(
      db: Db,
      expiry: Expiry,
      after: UserId | null,
      limit: number,
    ): Promise<GuestCounts & { readonly last: UserId | null }> {
      const expired = expiredGuestsCondition(expiry, tables.guests);
      const kept = expiry.keepIf
        ? sql`coalesce(sum(case when ${expiry.keepIf(userIdRef)} then 1 else 0 end), 0)`
        : sql`0`;
      // The slice keeps the table's name as its alias: the conditions refer to it by name.
      const { rows } = await sql<RawCounts & { last: unknown }>`
        select count(*) as guests, coalesce(sum(case when ${expired} then 1 else 0 end), 0) as expired,
          ${kept} as kept, max(user_id) as last
        from (select * from ${guests} ${after === null ? sql`` : sql`where user_id > ${after}`}
          order by user_id limit ${limit}) as ${guests}`.execute(db);
      const last = rows[0]?.last ?? null;
      return {
        ...toCounts(rows[0]),
        last: last === null ? null : toUserId(last, tables.users.idType),
      };
    },

    /** One page of expired guests, keyset-paginated by user id (constant memory for any size). */
    async listExpired(
      db: Db,
      expiry: Expiry,
      after: UserId | null,
      limit: number,
    ): Promise<GuestRecord[]> {
      const { rows } = await sql<RawGuest>`select ${COLUMNS} from ${guests}
        where ${expiredGuestsCondition(expiry, tables.guests)}
        ${after === null ? sql`` : sql`and user_id > ${after}`}
        order by user_id limit ${limit}`.execute(db);
      return rows.map(toRecord);
    },

    /**
     * The guest row of `userId` and whether the `keepIf` rule matches it, in one query
     * (undefined for a user that is not a guest).
     */
    async findWithKept(
      db: Db,
      userId: UserId,
      keepIf: KeepIf,
    ): Promise<{ readonly guest: GuestRecord; readonly kept: boolean } | undefined> {
      const { rows } = await sql<RawGuest & { kept: unknown }>`select ${COLUMNS},
          case when ${keepIf(userIdRef)} then 1 else 0 end as kept
        from ${guests} where user_id = ${userId}`.execute(db);
      const row = rows[0];
      return row && { guest: toRecord(row), kept: Number(row.kept) === 1 };
    },
  };
}

/** The guest queries bound to one set of tables. */
export type GuestQueries = ReturnType<typeof guestQueries>;
