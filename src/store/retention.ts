import { type Expression, type RawBuilder, sql } from "kysely";

/**
 * The app's "keep this guest" rule as SQL: given the guest's user id (a column reference),
 * an expression that is true for the guests to keep longer, e.g. "owns a note". It runs
 * inside the clean-up's, the stats' and the admin's queries, so it must be a plain boolean
 * SQL expression (an `exists (...)` subquery is the usual shape) that is never NULL (a NULL
 * makes the guest neither kept nor, between the two cutoffs, expired). `userId` is qualified
 * with the guests table (or its alias), so an unqualified `user_id` in your subquery is your
 * table's own. It runs once per guest the clean-up looks at: index your table's user id.
 *
 * @example
 * ```ts
 * const keepIf: KeepIf = (userId) => sql`exists (select 1 from notes where notes.user_id = ${userId})`;
 * ```
 */
export type KeepIf = (userId: RawBuilder<unknown>) => Expression<unknown>;

/** Retention, resolved: who is expired, by which column, with which cutoffs. */
export interface RetentionCutoffs {
  /** `created_at` or `last_seen_at` of the guests table (the `expireBy` option). */
  readonly column: "created_at" | "last_seen_at";
  /** Milliseconds since the epoch: a guest NOT kept is expired when `column` is below it. */
  readonly cutoff: number;
  /** The keep rule, or null (every guest uses `cutoff`). */
  readonly keepIf: KeepIf | null;
  /**
   * For kept guests: expired when `column` is below this; null = kept guests never expire.
   * Ignored when `keepIf` is null.
   */
  readonly keptCutoff: number | null;
}

/**
 * The "is expired" condition of a guest row (`guests` aliased or not: pass the column
 * references), written once for every query that needs it (stats, listing, clean-up, admin).
 *
 * @example
 * ```ts
 * sql`select count(*) from guests where ${expiredCondition(cutoffs, sql.ref("user_id"), sql.ref("created_at"))}`;
 * ```
 */
export function expiredCondition(
  cutoffs: RetentionCutoffs,
  userId: RawBuilder<unknown>,
  column: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const { cutoff, keepIf, keptCutoff } = cutoffs;
  if (!keepIf) return sql`${column} < ${cutoff}`;
  const keep = keepIf(userId);
  // Written so the column's index still narrows the scan: no expired guest is younger than
  // the later cutoff, and below the earlier one the rule does not matter.
  if (keptCutoff === null) return sql`(${column} < ${cutoff} and not (${keep}))`;
  const later = Math.max(cutoff, keptCutoff);
  const earlier = Math.min(cutoff, keptCutoff);
  // Between the two cutoffs only the guests the later cutoff applies to are expired.
  const between = keptCutoff > cutoff ? keep : sql`not (${keep})`;
  return sql`(${column} < ${later} and (${column} < ${earlier} or ${between}))`;
}

/**
 * {@link expiredCondition} for the guests table in the FROM of the query, `guestsTable` its name
 * or its alias: the references are qualified with it, so that the app's `keepIf` subquery
 * (which may have a `user_id` column of its own) sees the guest's id, not its own.
 *
 * @example
 * ```ts
 * sql`delete from ${sql.table(guests)} where ${expiredGuestsCondition(cutoffs, guests)}`;
 * ```
 */
export function expiredGuestsCondition(
  cutoffs: RetentionCutoffs,
  guestsTable: string,
): RawBuilder<unknown> {
  const ref = (column: string) => sql.ref(`${guestsTable}.${column}`);
  return expiredCondition(cutoffs, ref("user_id"), ref(cutoffs.column));
}
