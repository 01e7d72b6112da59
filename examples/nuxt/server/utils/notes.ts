import { randomUUID } from "node:crypto";
import type { GuestUsers, UserId } from "guest-user";

/** A note as the page shows it. */
export interface Note {
  readonly id: string;
  readonly text: string;
}

interface NotesTable {
  id: string;
  user_id: UserId;
  text: string;
  created_at: number;
}
type NotesDatabase = { notes: NotesTable };
type Db = GuestUsers["db"];

/** The app's own table, next to the library's: each note belongs to a (guest or real) user. */
export function notesStore(guestUsers: GuestUsers) {
  const db = guestUsers.db.withTables<NotesDatabase>();
  const users = guestUsers.settings.tables.users;
  return {
    /** Creates the table if needed (after `guestUsers.migrate()`). */
    async createTable(): Promise<void> {
      await db.schema
        .createTable("notes")
        .ifNotExists()
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "integer", (c) =>
          c.notNull().references(`${users.table}.${users.id}`).onDelete("cascade"),
        )
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("created_at", "integer", (c) => c.notNull())
        .execute();
    },
    /** The user's notes, newest first. */
    async list(userId: UserId): Promise<Note[]> {
      return db
        .selectFrom("notes")
        .select(["id", "text"])
        .where("user_id", "=", userId)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .execute();
    },
    /** Adds a note. */
    async add(userId: UserId, text: string): Promise<void> {
      await db
        .insertInto("notes")
        .values({ id: randomUUID(), user_id: userId, text, created_at: Date.now() })
        .execute();
    },
    /** Moves a guest's notes to the account it logged in to (inside the merge's transaction). */
    async move(transaction: Db, from: UserId, to: UserId): Promise<void> {
      await transaction
        .withTables<NotesDatabase>()
        .updateTable("notes")
        .set({ user_id: to })
        .where("user_id", "=", from)
        .execute();
    },
  };
}
