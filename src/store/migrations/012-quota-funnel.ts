import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";

/**
 * Quotas in the funnel (issue 20): `quota_hit_at` on the guests table (when the guest was
 * first refused by a quota, NULL until then) and the funnel's `converted_after_quota`
 * counter, bumped in the conversion's transaction for a guest that has one.
 */
export function quotaFunnelMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const has = (db: Kysely<unknown>, table: string, column: string) =>
    quirks.migrations.hasColumn(db, table, column);
  return {
    async up(db: Kysely<unknown>) {
      if (!(await has(db, tables.guests, "quota_hit_at"))) {
        await db.schema.alterTable(tables.guests).addColumn("quota_hit_at", "bigint").execute();
      }
      if (!(await has(db, tables.funnel, "converted_after_quota"))) {
        await db.schema
          .alterTable(tables.funnel)
          .addColumn("converted_after_quota", "bigint", (c) => c.notNull().defaultTo(sql.lit(0)))
          .execute();
      }
    },
    async down(db: Kysely<unknown>) {
      if (await has(db, tables.funnel, "converted_after_quota")) {
        await db.schema.alterTable(tables.funnel).dropColumn("converted_after_quota").execute();
      }
      if (await has(db, tables.guests, "quota_hit_at")) {
        await db.schema.alterTable(tables.guests).dropColumn("quota_hit_at").execute();
      }
    },
  };
}
