import { type RawBuilder, sql } from "kysely";
import type { NewGuest } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { USERNAME_KEY_COLUMN, usernameKey } from "../username-case.ts";

/** A placeholder: the one-shot guest creations compile their texts once and bind per call. */
export const placeholder = sql`${""}`;

/**
 * The users columns a guest's creation fills, as the default table store's `insertUser`
 * writes them (those the app's table lacks left out; password and email always null), for the
 * one-shot guest creations (PostgreSQL's one statement, SQLite's synchronous transaction):
 * the column list, the values list (placeholders and nulls) and the values to bind.
 */
export function guestUserColumns(tables: Tables): {
  readonly columns: RawBuilder<unknown>;
  readonly values: RawBuilder<unknown>;
  readonly params: (guest: NewGuest) => unknown[];
} {
  const { users } = tables;
  type Value = ((guest: NewGuest) => unknown) | null;
  const all: [string | null, Value][] = [
    [users.username, (guest) => guest.username],
    // The built-in table's folded key (migration 010), as insertUser writes it.
    [users.builtIn ? USERNAME_KEY_COLUMN : null, (guest) => usernameKey(guest.username)],
    [users.password, null],
    [users.email, null],
    [users.createdAt, (guest) => guest.now],
  ];
  const present = all.filter((c): c is [string, Value] => !!c[0]);
  return {
    columns: sql.join(present.map(([column]) => sql.ref(column))),
    values: sql.join(present.map(([, value]) => (value ? placeholder : sql`null`))),
    params: (guest) => present.flatMap(([, value]) => (value ? [value(guest)] : [])),
  };
}
