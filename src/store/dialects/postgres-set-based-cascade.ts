import { type Kysely, type Migration, sql } from "kysely";
import type { Tables } from "../tables.ts";

/** The last part of a possibly schema-qualified table name. */
const baseName = (table: string) => table.slice(table.lastIndexOf(".") + 1);

/**
 * PostgreSQL, built-in users table: the user's rows in our four tables (sessions, guests,
 * identities, terms acceptances) go with the user through ONE statement-level trigger, not four
 * foreign keys. A foreign key's ON DELETE CASCADE runs a query per deleted user per table:
 * measured at 1,000,000 expired guests, those four queries were 70% of the clean-up (about
 * 2.5 µs per guest each); the trigger deletes each table's rows once per statement
 * (`= any(array(...))` on the `user_id` index), whatever the number of users.
 *
 * What a foreign key also promised stays: an insert or update of `user_id` in those tables
 * checks the user exists (and holds it against a concurrent delete, `for key share`, as a
 * foreign key does) at the end of the statement, failing with SQLSTATE 23503
 * (foreign_key_violation); TRUNCATE of the users table truncates the four tables too; a
 * user's id cannot be changed while rows refer to it. The app's own tables keep their own
 * foreign keys (ON DELETE CASCADE works as before). An app's own users table is left alone
 * (our tables keep their foreign keys to it), and SQLite and MySQL/MariaDB keep theirs:
 * SQLite has no statement-level triggers, InnoDB cascades inside the engine. `extra`: tables
 * that later migrations add to the four (011: the continue links), made again with them.
 */
export function setBasedCascadeMigration(tables: Tables, extra: readonly string[] = []): Migration {
  const { users } = tables;
  const usersTable = sql.table(users.table);
  const id = sql.ref(users.id);
  const prefix = baseName(users.table);
  // The functions, in the users table's schema (`app.users` -> `app.users_cascade`).
  const cascade = sql.table(`${users.table}_cascade`);
  const truncate = sql.table(`${users.table}_truncate`);
  const checkUser = sql.table(`${users.table}_check_user`);
  const keepId = sql.table(`${users.table}_keep_id`);
  // Our tables that hold a user id, each kept in step with the users table.
  const children = [
    tables.sessions,
    tables.guests,
    tables.identities,
    tables.termsAcceptances,
    ...extra,
  ];
  const dropTriggers = async (db: Kysely<unknown>) => {
    for (const t of children)
      await sql`drop trigger if exists ${sql.id(`${baseName(t)}_check_user`)} on ${sql.table(t)}`.execute(
        db,
      );
    for (const name of ["cascade", "truncate", "keep_id"])
      await sql`drop trigger if exists ${sql.id(`${prefix}_${name}`)} on ${usersTable}`.execute(db);
  };
  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      const { rows } = await sql<{ child: string; name: string }>`
        select con.conrelid::regclass::text as child, con.conname as name from pg_constraint con
        where con.contype = 'f' and con.confrelid = to_regclass(${users.table})
          and con.conrelid = any(array[${sql.join(children.map((t) => sql`to_regclass(${t})`))}])`.execute(
        db,
      );
      for (const { child, name } of rows)
        await sql`alter table ${sql.raw(child)} drop constraint ${sql.id(name)}`.execute(db);

      // Idempotent: triggers made by an earlier, interrupted run are made again.
      await dropTriggers(db);
      const deletes = children.map(
        (t) => sql`delete from ${sql.table(t)} where user_id = any(array(select ${id} from gone));`,
      );
      await sql`create or replace function ${cascade}() returns trigger language plpgsql as $$
        begin ${sql.join(deletes, sql` `)} return null; end $$`.execute(db);
      await sql`create trigger ${sql.id(`${prefix}_cascade`)} after delete on ${usersTable}
        referencing old table as gone for each statement execute function ${cascade}()`.execute(db);

      await sql`create or replace function ${truncate}() returns trigger language plpgsql as $$
        begin truncate ${sql.join(children.map((t) => sql.table(t)))}; return null; end $$`.execute(
        db,
      );
      await sql`create trigger ${sql.id(`${prefix}_truncate`)} before truncate on ${usersTable}
        for each statement execute function ${truncate}()`.execute(db);

      // A foreign key's other half: the user exists (and stays until this commits).
      await sql`create or replace function ${checkUser}() returns trigger language plpgsql as $$
        begin
          perform 1 from ${usersTable} where ${id} = new.user_id for key share;
          if not found then
            raise foreign_key_violation using message = format(
              'insert or update on table %I: user %s does not exist', tg_table_name, new.user_id);
          end if;
          return null;
        end $$`.execute(db);
      for (const t of children)
        await sql`create trigger ${sql.id(`${baseName(t)}_check_user`)}
          after insert or update of user_id on ${sql.table(t)}
          for each row execute function ${checkUser}()`.execute(db);

      // And a referenced id does not change (as ON UPDATE NO ACTION refused).
      const referenced = children.map(
        (t) => sql`exists (select 1 from ${sql.table(t)} where user_id = old.${id})`,
      );
      await sql`create or replace function ${keepId}() returns trigger language plpgsql as $$
        begin
          if new.${id} is distinct from old.${id} and (${sql.join(referenced, sql` or `)}) then
            raise foreign_key_violation using message = format('user %s is still referenced: its id cannot change', old.${id});
          end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger ${sql.id(`${prefix}_keep_id`)} after update of ${id} on ${usersTable}
        for each row execute function ${keepId}()`.execute(db);
    },

    async down(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      await dropTriggers(db);
      for (const fn of [cascade, truncate, checkUser, keepId])
        await sql`drop function if exists ${fn}()`.execute(db);
      for (const t of children)
        await db.schema
          .alterTable(t)
          .addForeignKeyConstraint(`${t}_user_fk`, ["user_id"], users.table, [users.id], (c) =>
            c.onDelete("cascade"),
          )
          .execute();
    },
  };
}
