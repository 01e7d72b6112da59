import { type MigrationResultSet, Migrator, NO_MIGRATIONS, sql } from "kysely";
import { usersTableMissing } from "../shared/database-errors.ts";
import { GuestUserError } from "../shared/errors.ts";
import type { Db, DialectQuirks } from "./dialect.ts";
import { isMissingTable } from "./driver-errors.ts";
import { initialMigration } from "./migrations/001-initial.ts";
import { usernameCaseMigration } from "./migrations/002-username-case.ts";
import { guestCreationKeyMigration } from "./migrations/003-guest-creation-key.ts";
import { operationsMigration } from "./migrations/004-operations.ts";
import { adminIndexesMigration } from "./migrations/005-admin-indexes.ts";
import { leasesMigration } from "./migrations/006-leases.ts";
import { staffMigration } from "./migrations/009-staff.ts";
import { usernameFoldMigration } from "./migrations/010-username-fold.ts";
import { continueLinksMigration } from "./migrations/011-continue-links.ts";
import { quotaFunnelMigration } from "./migrations/012-quota-funnel.ts";
import type { Tables } from "./tables.ts";

/** The names of the migrations that were applied by this call, oldest first. */
export interface MigrateResult {
  readonly applied: readonly string[];
}

function migrator(db: Db, tables: Tables, quirks: DialectQuirks): Migrator {
  return new Migrator({
    db,
    migrationTableName: tables.migrations,
    migrationLockTableName: tables.migrationsLock,
    provider: {
      getMigrations: async () => ({
        "001-initial": initialMigration(tables, quirks),
        "002-username-case": usernameCaseMigration(tables, quirks),
        "003-guest-creation-key": guestCreationKeyMigration(tables, quirks),
        "004-operations": operationsMigration(tables, quirks),
        "005-admin-indexes": adminIndexesMigration(tables, quirks),
        "006-leases": leasesMigration(tables, quirks),
        "007-one-username-index": quirks.migrations.oneUsernameIndex(tables),
        "008-set-based-cascade": quirks.migrations.setBasedCascade(tables),
        "009-staff": staffMigration(tables, quirks),
        "010-username-fold": usernameFoldMigration(tables, quirks),
        "011-continue-links": continueLinksMigration(tables, quirks),
        "012-quota-funnel": quotaFunnelMigration(tables, quirks), // quotas (issue 20)
      }),
    },
  });
}

/**
 * The result of a run, or the error that explains its failure. Errors that are not a
 * migration's fault keep their own code: a missing driver (`DRIVER_MISSING`) and our other
 * errors pass unchanged, a server that cannot be used is rethrown for the caller to report as
 * `DATABASE_UNAVAILABLE`. A migration's own failure is `MIGRATION_FAILED` naming it; a
 * failure before any migration ran (creating the bookkeeping tables, taking the lock) says so.
 */
function unwrap(result: MigrationResultSet, quirks: DialectQuirks): MigrateResult {
  const { error } = result;
  if (!error) {
    return {
      applied: (result.results ?? [])
        .filter((r) => r.status === "Success")
        .map((r) => r.migrationName),
    };
  }
  if (error instanceof GuestUserError || quirks.isConnectionError(error)) throw error;
  const detail = error instanceof Error ? error.message : String(error);
  const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
  const what = failed
    ? `Migration ${failed} failed`
    : "Preparing the migrations failed (creating or locking the migration tables)";
  throw new GuestUserError(
    "MIGRATION_FAILED",
    `${what}: ${detail}. Fix the cause and run \`guest-user migrate\` again; applied migrations are not repeated.`,
    { cause: error },
  );
}

/**
 * Brings the schema up to date. Safe to call from many servers starting at once: on
 * PostgreSQL and MySQL Kysely's migration lock lets one run while the others wait, then find
 * nothing left to do. SQLite has no such lock across connections, so a run that collides with
 * another process's is retried (every step is idempotent) until it finds the work done.
 */
export async function migrateToLatest(
  db: Db,
  tables: Tables,
  quirks: DialectQuirks,
): Promise<MigrateResult> {
  if (await usersTableIsMissing(db, tables)) {
    throw new GuestUserError("SCHEMA_MISSING", usersTableMissing(tables.users.table));
  }
  for (let attempt = 1; ; attempt++) {
    const result = await migrator(db, tables, quirks).migrateToLatest();
    if (
      !result.error ||
      result.error instanceof GuestUserError ||
      !quirks.migrations.retriesCollisions ||
      attempt >= 10 ||
      quirks.isConnectionError(result.error)
    ) {
      return unwrap(result, quirks);
    }
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
}

/**
 * True when the app's own users table (`users.table`) does not exist; false for ours (the
 * migrations make it) and when it exists. Our tables reference it, so it must come first.
 */
export async function usersTableIsMissing(db: Db, tables: Tables): Promise<boolean> {
  if (tables.users.builtIn) return false;
  try {
    await sql`select 1 from ${sql.table(tables.users.table)} where 1 = 0`.execute(db);
    return false;
  } catch (error) {
    if (isMissingTable(error)) return true;
    throw error;
  }
}

/** Undoes every migration (drops our tables; never an app's own users table). For tests and uninstalls. */
export async function migrateDown(
  db: Db,
  tables: Tables,
  quirks: DialectQuirks,
): Promise<MigrateResult> {
  return unwrap(await migrator(db, tables, quirks).migrateTo(NO_MIGRATIONS), quirks);
}
