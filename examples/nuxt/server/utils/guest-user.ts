import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createGuestUsers } from "guest-user";
import { guestUserNuxt } from "guest-user/nuxt";
import { notesStore } from "./notes";

let secret = process.env.GUEST_USER_SECRET;
if (!secret) {
  secret = randomBytes(32).toString("base64url");
  console.warn("GUEST_USER_SECRET is not set: using a random secret for this run.");
}

export const guestUsers = createGuestUsers({
  database: process.env.GUEST_USER_DATABASE ?? `sqlite:${join(process.cwd(), "notes.sqlite3")}`,
  secret,
  nameGenerator: "friendly",
  loginRedirectUrl: "/",
});
export const notes = notesStore(guestUsers);
// A guest who logs in to an existing account brings their notes along.
guestUsers.on("merged", ({ guest, user, db }) => notes.move(db, guest.id, user.id));

/** The middleware (server/middleware/guest-user.ts), the helpers and guards of the routes. */
export const guestUser = guestUserNuxt(guestUsers);
