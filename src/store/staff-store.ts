import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import { affectedRows, type Db, type DialectQuirks } from "./dialect.ts";
import type { Tables } from "./tables.ts";

/** The staff flag's one write, on the configured users table. */
export function staffQueries(tables: Tables, quirks: DialectQuirks) {
  const { users } = tables;
  return {
    /**
     * Sets the staff flag (the `column` mapped as `users.columns.isStaff`) of a REGISTERED
     * user, in one statement: a guest's row is never touched. Returns the number of rows it
     * changed: 0 when there is no such registered user or the flag is already `on`.
     */
    async set(db: Db, column: string, id: UserId, on: boolean): Promise<number> {
      const value = quirks.columns.boolean(on);
      const flag = sql.ref(column);
      const guest = sql`select 1 from ${sql.table(tables.guests)} as g where g.user_id = ${id}`;
      const update = sql`update ${sql.table(users.table)} set ${flag} = ${value}
        where ${sql.ref(users.id)} = ${id} and (${flag} is null or ${flag} <> ${value})
        and not exists (${guest})`;
      return affectedRows(await update.execute(db));
    },
  };
}
