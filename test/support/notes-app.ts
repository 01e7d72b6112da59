/**
 * What the browser tests of the notes examples (examples/next, examples/sveltekit,
 * examples/nuxt) read: the rows in the example's SQLite file, the page's test ids, and the
 * server's output when a step fails.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import type { RunningExample } from "./example-app.ts";

/** The library's users and the app's notes, straight from the SQLite file (users by id). */
export function notesRows(databaseFile: string) {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const users = db.prepare("SELECT id, username FROM guest_user_users ORDER BY id").all() as {
      id: number;
      username: string;
    }[];
    const notes = db.prepare("SELECT user_id, text FROM notes").all() as {
      user_id: number;
      text: string;
    }[];
    return { users, notes };
  } finally {
    db.close();
  }
}

/**
 * The notes page as every example renders it (`who`, `user-id`, `notes` test ids, a "Note"
 * field), on the page `current()` answers (the tests open it in `beforeAll`).
 */
export function notesPage(current: () => Page) {
  return {
    who: () => current().getByTestId("who").textContent(),
    userId: async () => (await current().getByTestId("user-id").textContent()) ?? "",
    noteTexts: () => current().getByTestId("notes").locator("li").allTextContents(),
    /** Adds a note with the page's form and waits until the list shows it. */
    async addNote(text: string): Promise<void> {
      await current().getByLabel("Note").fill(text);
      await current().getByRole("button", { name: "Add note" }).click();
      await current().getByTestId("notes").getByText(text).waitFor();
    },
  };
}

/** Runs a test's steps; a failure carries what the example's server printed. */
export async function withOutput(example: RunningExample, body: () => Promise<void>) {
  try {
    await body();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- server output:\n${example.output()}`, {
      cause: error,
    });
  }
}
