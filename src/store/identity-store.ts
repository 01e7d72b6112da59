import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import type { Db } from "./dialect.ts";
import type { DialectUsernames } from "./dialect-usernames.ts";
import type { Tables } from "./tables.ts";
import { toMillis, toUserId } from "./user-store.ts";
import { USERNAME_KEY_COLUMN, usernameKey } from "./username-case.ts";

/** A row of the identities table: one social-login identity linked to one user. */
export interface IdentityRecord {
  /** The provider's name in the app, e.g. `"github"`. */
  readonly provider: string;
  /** The provider's stable user id (OIDC `sub`). */
  readonly subject: string;
  readonly userId: UserId;
  readonly email: string | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

type RawIdentity = Pick<IdentityRecord, "provider" | "subject" | "email"> &
  Record<"user_id" | "created_at", unknown>;

/** Identity queries on the configured tables (plus the username look-up social sign-ups need). */
export function identityQueries(tables: Tables, usernames: DialectUsernames) {
  const identities = sql.table(tables.identities);
  const toRecord = (raw: RawIdentity): IdentityRecord => ({
    provider: raw.provider,
    subject: raw.subject,
    userId: toUserId(raw.user_id, tables.users.idType),
    email: raw.email ?? null,
    createdAt: toMillis(raw.created_at) ?? 0,
  });
  const columns = sql`provider, subject, user_id, email, created_at`;
  return {
    /** The identity with this provider and subject, if linked to a user. */
    async find(db: Db, provider: string, subject: string): Promise<IdentityRecord | undefined> {
      const { rows } = await sql<RawIdentity>`select ${columns} from ${identities}
        where provider = ${provider} and subject = ${subject}`.execute(db);
      return rows[0] && toRecord(rows[0]);
    },

    /**
     * Links an identity to a user. (provider, subject) is the primary key: a second link of
     * the same identity fails with the driver's unique violation.
     */
    async insert(db: Db, record: IdentityRecord): Promise<void> {
      await sql`insert into ${identities} (provider, subject, user_id, email, created_at)
        values (${record.provider}, ${record.subject}, ${record.userId}, ${record.email},
          ${record.createdAt})`.execute(db);
    },

    /** Updates the e-mail the provider last gave for an identity. */
    async setEmail(db: Db, provider: string, subject: string, email: string | null): Promise<void> {
      await sql`update ${identities} set email = ${email}
        where provider = ${provider} and subject = ${subject}`.execute(db);
    },

    /** The identities linked to a user, oldest first. */
    async listForUser(db: Db, userId: UserId): Promise<IdentityRecord[]> {
      const { rows } = await sql<RawIdentity>`select ${columns} from ${identities}
        where user_id = ${userId} order by created_at, provider, subject`.execute(db);
      return rows.map(toRecord);
    },

    /**
     * Which of `candidates` are taken in the users table, compared as usernames are (NFKC,
     * without regard to case), as {@link usernameKey} keys: ONE query on the username index
     * for the whole batch (the built-in table's `username_key`). A name the database matches
     * but we see as different (`DialectUsernames`) is not reported: the unique index refuses
     * the write instead, and the caller tries the next candidate.
     */
    async takenUsernames(db: Db, candidates: readonly string[]): Promise<Set<string>> {
      const { users } = tables;
      if (candidates.length === 0) return new Set();
      const column = sql.ref(users.username);
      const where = users.builtIn
        ? sql`${sql.ref(USERNAME_KEY_COLUMN)} in (${sql.join(candidates.map((name) => sql`${usernameKey(name)}`))})`
        : usernames.anyOf(column, candidates);
      const { rows } = await sql<{ username: string }>`select ${column} as username
        from ${sql.table(users.table)} where ${where}`.execute(db);
      return new Set(rows.map((row) => usernameKey(row.username)));
    },
  };
}

/** The identity queries bound to one set of tables. */
export type IdentityQueries = ReturnType<typeof identityQueries>;
