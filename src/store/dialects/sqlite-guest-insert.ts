import { sql } from "kysely";
import type { UserId } from "../../shared/ids.ts";
import type { Db, DialectUpserts, GuestInsert, NewGuest } from "../dialect.ts";
import { dayOf, funnelQueries, randomShard } from "../funnel-store.ts";
import { cachedIn } from "../prepared-statements.ts";
import type { Tables } from "../tables.ts";
import { toUserId } from "../user-store.ts";
import { guestUserColumns, placeholder as param } from "./guest-user-columns.ts";
import { runSynchronously } from "./sqlite-handles.ts";

/**
 * SQLite, users written by the default table store, on a database `sqliteDatabase()` opened:
 * a guest's user, guest and session rows and the funnel's `created` counter in ONE immediate
 * transaction run synchronously on the better-sqlite3 handle (the statements the transaction
 * path runs, compiled once per Kysely instance; no promise between them). A unique violation
 * (a taken username, a creation key in use) rolls all of it back and is thrown.
 */
export function sqliteGuestInsert(tables: Tables, upserts: DialectUpserts): GuestInsert {
  const { users } = tables;
  const user = guestUserColumns(tables);
  const funnel = funnelQueries(tables, upserts);
  const statements = {
    user: sql`insert into ${sql.table(users.table)} (${user.columns}) values (${user.values})
      returning ${sql.ref(users.id)} as id`,
    guest: sql`insert into ${sql.table(tables.guests)} (user_id, created_at, last_seen_at, data, creation_key)
      values (${param}, ${param}, ${param}, ${param}, ${param})`,
    session: sql`insert into ${sql.table(tables.sessions)} (id, secret_hash, user_id, created_at, expires_at)
      values (${param}, ${param}, ${param}, ${param}, ${param})`,
    funnel: funnel.upsertQuery("created", param, param, sql`1`),
  };
  const texts = new WeakMap<Db, Record<keyof typeof statements, string>>();
  const textsFor = (db: Db) =>
    cachedIn(texts, db, () => ({
      user: statements.user.compile(db).sql,
      guest: statements.guest.compile(db).sql,
      session: statements.session.compile(db).sql,
      funnel: statements.funnel.compile(db).sql,
    }));

  return async function insertGuest(db: Db, guest: NewGuest): Promise<UserId> {
    const text = textsFor(db);
    const { now, session } = guest;
    const json = guest.data === null ? null : JSON.stringify(guest.data);
    const id = await runSynchronously(db, (_run, handle) => {
      const row = handle.prepare(text.user).get(user.params(guest)) as { id: unknown };
      handle.prepare(text.guest).run(row.id, now, now, json, guest.creationKey);
      if (session)
        handle
          .prepare(text.session)
          .run(session.id, session.secretHash, row.id, now, session.expiresAt);
      handle.prepare(text.funnel).run(dayOf(now), randomShard());
      return row.id;
    });
    return toUserId(id, users.idType);
  };
}
