import type { GuestUsers, UserId } from "guest-user";
import type { ColumnType, Generated, Kysely } from "kysely";

/** The most characters a note may have. */
export const MAX_NOTE_LENGTH = 500;

/** A note as the pages show it. */
export interface Note {
  readonly id: number;
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** The app's own table, next to the library's: each note hangs off a (guest or real) user. */
interface NotesTable {
  id: Generated<number>;
  user_id: UserId;
  text: string;
  // bigint: PostgreSQL hands it back as a string.
  created_at: ColumnType<number | string, number, never>;
}

/** Checks a submitted note: 1 to 500 characters once trimmed. */
export function checkNoteText(raw: unknown): { text: string } | { error: string } {
  const text = typeof raw === "string" ? raw.replace(/\r\n?/g, "\n").trim() : "";
  const length = [...text].length;
  if (length === 0) return { error: "Write something first: a note cannot be empty." };
  if (length > MAX_NOTE_LENGTH) {
    return {
      error: `A note can have at most ${MAX_NOTE_LENGTH} characters; this one has ${length}.`,
    };
  }
  return { text };
}

/**
 * The notes, stored through the library's Kysely instance (`guestUsers.db`), in a table whose
 * `user_id` references the library's users table with ON DELETE CASCADE: when an expired
 * guest is deleted, their notes go too; when a guest converts, nothing moves; when a guest
 * logs in to an existing account, the library moves them (the `ownership` option, app.ts).
 */
export function notesStore(guestUsers: GuestUsers) {
  const db: Kysely<{ notes: NotesTable }> = guestUsers.db.withTables<{ notes: NotesTable }>();
  const users = guestUsers.settings.tables.users;

  return {
    /** Creates the table if needed; call after `guestUsers.migrate()`. */
    async createTable(): Promise<void> {
      const dialect = guestUsers.dialect;
      const userIdType = dialect === "sqlite" ? "integer" : "bigint";
      let table = db.schema.createTable("notes").ifNotExists();
      table =
        dialect === "sqlite"
          ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
          : dialect === "postgres"
            ? table.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity())
            : table.addColumn("id", "bigint", (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn("user_id", userIdType, (c) =>
          c.notNull().references(`${users.table}.${users.id}`).onDelete("cascade"),
        )
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("notes_user_id_idx")
        .ifNotExists()
        .on("notes")
        .columns(["user_id", "id"])
        .execute();
    },

    /** The user's notes, newest first. */
    async list(userId: UserId): Promise<Note[]> {
      const rows = await db
        .selectFrom("notes")
        .select(["id", "text", "created_at"])
        .where("user_id", "=", userId)
        .orderBy("id", "desc")
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        text: row.text,
        createdAt: Number(row.created_at),
      }));
    },

    async add(userId: UserId, text: string): Promise<void> {
      await db
        .insertInto("notes")
        .values({ user_id: userId, text, created_at: Date.now() })
        .execute();
    },

    /** Deletes one of the user's notes; someone else's note id deletes nothing. */
    async remove(userId: UserId, noteId: number): Promise<void> {
      await db.deleteFrom("notes").where("id", "=", noteId).where("user_id", "=", userId).execute();
    },
  };
}

/** What {@link notesStore} returns. */
export type NotesStore = ReturnType<typeof notesStore>;
