import { CompiledQuery, type RawBuilder, sql } from "kysely";
import type { UserId } from "../../shared/ids.ts";
import type { Db, DialectUpserts, GuestInsert, NewGuest } from "../dialect.ts";
import { dayOf, funnelQueries, randomShard } from "../funnel-store.ts";
import { cachedIn, preparedStatement } from "../prepared-statements.ts";
import type { Tables } from "../tables.ts";
import { toUserId } from "../user-store.ts";
import { guestUserColumns, placeholder as param } from "./guest-user-columns.ts";

/**
 * PostgreSQL, users written by the default table store (the built-in users table or the
 * app's own, `tables.users`): a guest's user, guest and session rows and the funnel's
 * `created` counter in ONE statement of data-modifying CTEs (one round trip instead of BEGIN,
 * four statements and COMMIT). A statement is atomic: a unique violation (a taken username, a
 * creation key in use) aborts all of it, nothing half-written. Each text is compiled once per
 * Kysely instance and marked as a prepared statement.
 */
export function postgresGuestInsert(tables: Tables, upserts: DialectUpserts): GuestInsert {
  const { users } = tables;
  const funnel = funnelQueries(tables, upserts);
  const user = guestUserColumns(tables);

  const build = (withSession: boolean): RawBuilder<unknown> => {
    const tail = withSession
      ? sql`insert into ${sql.table(tables.sessions)} (id, secret_hash, user_id, created_at, expires_at)
        values (${param}, ${param}, (select id from u), ${param}, ${param}) returning user_id as id`
      : sql`select id from u`;
    return sql`with u as (
        insert into ${sql.table(users.table)} (${user.columns}) values (${user.values})
        returning ${sql.ref(users.id)} as id),
      g as (insert into ${sql.table(tables.guests)} (user_id, created_at, last_seen_at, data, creation_key)
        values ((select id from u), ${param}, ${param}, ${param}, ${param})),
      f as (${funnel.upsertQuery("created", param, param, sql`1`)})
      ${tail}`;
  };
  const texts = { true: new WeakMap<Db, string>(), false: new WeakMap<Db, string>() };
  const textFor = (db: Db, withSession: boolean) =>
    cachedIn(texts[`${withSession}`], db, () =>
      preparedStatement(build(withSession).compile(db).sql),
    );

  return async function insertGuest(db: Db, guest: NewGuest): Promise<UserId> {
    const { now, session } = guest;
    const params = user.params(guest);
    const json = guest.data === null ? null : JSON.stringify(guest.data);
    params.push(now, now, json, guest.creationKey, dayOf(now), randomShard());
    if (session) params.push(session.id, session.secretHash, now, session.expiresAt);
    const text = textFor(db, session !== null);
    const { rows } = await db.executeQuery<{ id: unknown }>(CompiledQuery.raw(text, params));
    return toUserId(rows[0]?.id, users.idType);
  };
}
