import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { redirect } from "@sveltejs/kit";
import { createGuestUsers } from "guest-user";
import { guestUserSvelteKit } from "guest-user/sveltekit";
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
  // No row before the visitor's first write (the first note): a form action is one, and passes
  // the same-origin check that a cross-site POST fails.
  createGuests: "onWrite",
  loginRedirectUrl: "/",
});

export const notes = notesStore(guestUsers);

// A guest who logs in to an existing account brings their notes along.
guestUsers.on("merged", ({ guest, user, db }) => notes.move(db, guest.id, user.id));

// `redirect` from @sveltejs/kit: the guards throw the app's own copy, which SvelteKit knows.
export const guestUser = guestUserSvelteKit(guestUsers, { redirect });
