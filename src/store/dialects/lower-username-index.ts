import { sql } from "kysely";
import type { DialectMigrations } from "../dialect-migrations.ts";

type IndexStep = DialectMigrations["caseInsensitiveUsernames"];

/** Drops the index named `index` where there is one. */
export const dropIndexNamed: IndexStep = async (db, _users, index) => {
  await db.schema.dropIndex(index).ifExists().execute();
};

/** The unique `lower(username)` index named `index`. */
const createLowerUsernameIndex: IndexStep = async (db, users, index) => {
  await db.schema
    .createIndex(index)
    .ifNotExists()
    .unique()
    .on(users.table)
    .expression(sql`lower(${sql.ref(users.username)})`)
    .execute();
};

/**
 * SQLite's and PostgreSQL's username index: unique on `lower(username)`, made by 002 (and
 * 010's down), dropped by 002's down and by 010 (the folded key's index replaces it).
 */
export const lowerUsernameIndex = {
  uniqueUsernameColumn: false,
  dropIndexOn: (drop) => drop,
  caseInsensitiveUsernames: createLowerUsernameIndex,
  dropCaseInsensitiveUsernames: dropIndexNamed,
  dropCaseInsensitiveIndex: dropIndexNamed,
  restoreCaseInsensitiveIndex: createLowerUsernameIndex,
} satisfies Partial<DialectMigrations>;

const noMigration = { async up() {}, async down() {} };

/** The steps that concern PostgreSQL alone (005's prefix index, 007, 008), as nothing. */
export const withoutPostgresSteps = {
  async createUsernamePrefixIndex() {},
  async dropUsernamePrefixIndex() {},
  oneUsernameIndex: () => noMigration,
  setBasedCascade: () => noMigration,
  cascadesByTrigger: false,
} satisfies Partial<DialectMigrations>;
