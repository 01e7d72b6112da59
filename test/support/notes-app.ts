/**
 * What the browser tests of the notes examples (examples/next, examples/sveltekit,
 * examples/nuxt) read: the rows in the example's SQLite file, the page's test ids, and the
 * server's output when a step fails.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { expect } from "vitest";
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

/** What every notes test converts its guest to. */
export const ACCOUNT = { username: "grace_hopper", password: "compiler-a0-1952-cobol" } as const;

/** The browser's session cookie is HttpOnly and SameSite=Lax. */
export async function expectSessionCookie(page: Page): Promise<void> {
  const session = (await page.context().cookies()).find(
    (cookie) => cookie.name === "guest_user_session",
  );
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
}

/**
 * Converts the guest through the built-in convert view, as a visitor does: the page's "Sign up
 * to keep your notes" link, the form filled with {@link ACCOUNT}, back on `/`.
 */
export async function convertThroughView(page: Page, baseUrl: string): Promise<void> {
  await page.getByRole("link", { name: "Sign up to keep your notes" }).click();
  await page.waitForURL(`${baseUrl}/convert/?next=/`);
  await page.getByLabel("Username").fill(ACCOUNT.username);
  await page.getByLabel("Password", { exact: true }).fill(ACCOUNT.password);
  await page.getByLabel("Password confirmation").fill(ACCOUNT.password);
  await page.getByRole("button", { name: "Save my account" }).click();
  await page.waitForURL(`${baseUrl}/`);
}

/**
 * After the conversion: the page shows the account with the guest's id and its notes, and the
 * SQLite file holds that one user (renamed) and its notes.
 */
export async function expectConverted(
  page: Page,
  databaseFile: string,
  guestId: string,
  noteTexts: readonly string[],
): Promise<void> {
  const view = notesPage(() => page);
  expect(await view.who()).toBe(`Signed in as ${ACCOUNT.username} (#${guestId})`);
  expect(await view.userId()).toBe(guestId);
  expect(await view.noteTexts()).toEqual(noteTexts);
  const { users, notes } = notesRows(databaseFile);
  expect(users).toEqual([{ id: Number(guestId), username: ACCOUNT.username }]);
  expect(notes.every((note) => note.user_id === Number(guestId))).toBe(true);
  expect(notes).toHaveLength(noteTexts.length);
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
