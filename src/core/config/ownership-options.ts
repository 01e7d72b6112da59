import { sql } from "kysely";
import * as v from "valibot";
import { accepted, describe, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import type { Db } from "../../store/dialect.ts";
import type { KeepIf } from "../../store/retention.ts";
import type { UserId } from "../model/types.ts";

/** What an `onMerge` function is given: the merge's transaction and the table's names. */
export interface OwnedTableMergeContext {
  /** The merge's transaction: every query of the function goes through it. */
  readonly db: Db;
  /** The owned table, as declared. */
  readonly table: string;
  /** Its column holding the owner's user id, as declared. */
  readonly column: string;
  /** The guest's user id (the rows' owner before the merge). */
  readonly from: UserId;
  /** The account's user id (their owner after it). */
  readonly to: UserId;
}

/**
 * What a merge does with a table's rows: `"move"` re-points every guest row to the account;
 * `"keepAccount"` and `"keepGuest"` settle a CLASH, which for these rules means: both users own
 * rows in the table (for a table whose `column` is unique, one row per user such as a cart,
 * the only way moving could break its unique key). `"keepAccount"` then drops the guest's
 * rows (the account's stay); `"keepGuest"` deletes the account's and moves the guest's. Without
 * a clash both move. A function does it all itself, through `ctx.db` (the transaction).
 */
export type OnMerge =
  | "move"
  | "keepAccount"
  | "keepGuest"
  | ((ctx: OwnedTableMergeContext) => Promise<void>);

/** One app table whose rows belong to a user. */
export interface OwnedTable {
  /** The table's name (a plain SQL identifier). */
  readonly table: string;
  /** The column holding the owner's user id (a plain SQL identifier). */
  readonly column: string;
  /**
   * What merging a guest into an account does with the guest's rows (see {@link OnMerge}).
   * @default "move"
   */
  readonly onMerge?: OnMerge;
}

/**
 * The app tables whose rows belong to a user, declared once: a guest's rows follow it into the
 * account it logs in to (in the merge's transaction, before the `merged` listeners),
 * `retention: { keepIf: "ownsData" }` keeps the guests owning a row in any of them, the admin
 * list counts them, and `guestUsers.exportUser()` (the account page's "Download my data")
 * includes them.
 *
 * @example
 * ```ts
 * createGuestUsers({
 *   ownership: {
 *     tables: [
 *       { table: "notes", column: "user_id" }, // moved on merge
 *       { table: "carts", column: "user_id", onMerge: "keepAccount" }, // one cart per user
 *     ],
 *   },
 *   retention: { keepIf: "ownsData" },
 * });
 * ```
 */
export interface OwnershipOptions {
  /** The owned tables. @default [] */
  readonly tables?: readonly OwnedTable[];
}

/** {@link OwnershipOptions} checked, defaults filled in. */
export interface Ownership {
  readonly tables: readonly Required<OwnedTable>[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const identifier = accepted<string>(
  (value) => typeof value === "string" && IDENTIFIER.test(value),
  "a plain SQL identifier (letters, digits, underscore; at most 63 characters)",
);

const OWNED_TABLE = optionBag({
  table: identifier,
  column: identifier,
  onMerge: v.optional(
    accepted<OnMerge>(
      (value) =>
        value === "move" ||
        value === "keepAccount" ||
        value === "keepGuest" ||
        typeof value === "function",
      '"move", "keepAccount", "keepGuest" or a function ({ db, table, column, from, to }) => Promise<void>',
    ),
    "move",
  ),
} satisfies EntriesOf<OwnedTable>);

/** The `ownership` option's schema: a table listed twice is refused. */
export const OWNERSHIP_OPTIONS = optionBag({
  tables: v.optional(
    v.pipe(
      v.array(
        OWNED_TABLE,
        (issue) => `expected an array of { table, column, onMerge? }, got ${describe(issue.input)}`,
      ),
      v.check(
        (tables) => new Set(tables.map(({ table }) => table)).size === tables.length,
        (issue) =>
          `expected each table once, got ${describe(issue.input.map(({ table }) => table))}`,
      ),
      v.readonly(),
    ),
    [],
  ),
} satisfies EntriesOf<OwnershipOptions>);

/**
 * The `"ownsData"` retention rule written from the declaration: true when the guest owns a
 * row in any owned table (one `exists` per table). Null without owned tables.
 *
 * @example
 * ```ts
 * ownsDataRule({ tables: [{ table: "notes", column: "user_id", onMerge: "move" }] });
 * ```
 */
export function ownsDataRule(ownership: Ownership): KeepIf | null {
  if (ownership.tables.length === 0) return null;
  return (userId) =>
    sql`(${sql.join(
      ownership.tables.map(
        ({ table, column }) =>
          sql`exists (select 1 from ${sql.table(table)} where ${sql.ref(`${table}.${column}`)} = ${userId})`,
      ),
      sql` or `,
    )})`;
}
