import type { CreateTableBuilder, DropIndexBuilder, Kysely, Migration, RawBuilder } from "kysely";
import type { Tables } from "./tables.ts";

/** The users table as our migrations see it. */
export type UsersTable = Tables["users"];

/** A DDL step on the users table that creates or drops the index named `index`. */
type IndexStep = (db: Kysely<unknown>, users: UsersTable, index: string) => Promise<void>;

/**
 * The DDL that differs between the databases, for the migrations in `src/store/migrations/`
 * (each names the migration that uses it). Everything here acts on the built-in users table
 * unless it says otherwise; the callers check `users.builtIn`.
 */
export interface DialectMigrations {
  /**
   * DDL runs inside the migration's transaction (PostgreSQL): a run that failed left nothing
   * behind. Elsewhere a failed run may have left a column it added.
   */
  readonly transactionalDdl: boolean;
  /**
   * Several processes migrating at once may collide, and a run that did is retried (every
   * step is idempotent): SQLite, which has no migration lock across connections.
   */
  readonly retriesCollisions: boolean;
  /** The type of an integer `user_id` column, the same as the built-in users table's id (001). */
  readonly integerIdType: "integer" | "bigint";
  /** Adds the built-in users table's generated primary key `column` (001). */
  addIdColumn(
    create: CreateTableBuilder<string>,
    column: string,
  ): CreateTableBuilder<string, string>;
  /**
   * The username column's collation ignores case (MySQL/MariaDB): its own UNIQUE is THE
   * username index (001); elsewhere that is a `lower(username)` index (002).
   */
  readonly uniqueUsernameColumn: boolean;
  /** `drop` (a DROP INDEX of an index on `table`) as this database needs it: MySQL names the table. */
  dropIndexOn(drop: DropIndexBuilder, table: string): DropIndexBuilder;
  /** True when `table` has `column` (a run that collided with another, or that failed). */
  hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean>;
  /**
   * 002: usernames unique without regard to case: SQLite and PostgreSQL a unique
   * `lower(username)` index (`index`); MySQL/MariaDB a case-insensitive collation on a
   * case-sensitive column (its UNIQUE from 001 then does the work).
   */
  readonly caseInsensitiveUsernames: IndexStep;
  /** 002's down: drops the `lower(username)` index; MySQL/MariaDB keep their collation. */
  readonly dropCaseInsensitiveUsernames: IndexStep;
  /**
   * 005 and 010's down: the admin search's prefix index `index` (PostgreSQL,
   * `lower(username) collate "C"`, id); nothing elsewhere.
   */
  readonly createUsernamePrefixIndex: IndexStep;
  /** 005's down and 010: drops that prefix index where there is one. */
  readonly dropUsernamePrefixIndex: IndexStep;
  /** 007: one unique index on the username, not two (PostgreSQL); nothing elsewhere. */
  oneUsernameIndex(tables: Tables): Migration;
  /**
   * 008: the user's rows go with the user by one statement-level trigger (PostgreSQL); later
   * migrations run it again with their own tables as `extra` (011).
   */
  setBasedCascade(tables: Tables, extra?: readonly string[]): Migration;
  /**
   * True where a built-in users table's rows cascade by 008's trigger (PostgreSQL): a new
   * table of ours with a `user_id` joins the trigger instead of taking a foreign key.
   */
  readonly cascadesByTrigger: boolean;
  /** 010: the type of the folded `username_key` column of `length`, compared in code point order. */
  foldedKeyType(length: number): RawBuilder<unknown>;
  /** 010: `column` holds ASCII characters only. */
  isAscii(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** 010: `column` with its ASCII letters lowered as ASCII, whatever the locale or collation. */
  asciiLower(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** 010: makes the `username_key` column of `type` NOT NULL (SQLite cannot: nothing). */
  setNotNull(
    db: Kysely<unknown>,
    users: UsersTable,
    column: RawBuilder<unknown>,
    type: RawBuilder<unknown>,
  ): Promise<void>;
  /**
   * 010: drops the username indexes the folded key replaces: the `lower(username)` index
   * `index` (SQLite, PostgreSQL), MySQL/MariaDB's unique index on the column alone.
   */
  readonly dropCaseInsensitiveIndex: IndexStep;
  /** 010's down: brings that index back (MySQL/MariaDB: when none is left). */
  readonly restoreCaseInsensitiveIndex: IndexStep;
}
