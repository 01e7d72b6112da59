import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createGuestUsers } from "guest-user";
import { guestUserNext } from "guest-user/next";
import { cookies, headers } from "next/headers";
import { NextResponse } from "next/server";
import { notesStore } from "./notes";

/** Everything the app shares. */
function createApp() {
  let secret = process.env.GUEST_USER_SECRET;
  if (!secret) {
    secret = randomBytes(32).toString("base64url");
    console.warn("GUEST_USER_SECRET is not set: using a random secret for this run.");
  }
  const guestUsers = createGuestUsers({
    database: process.env.GUEST_USER_DATABASE ?? `sqlite:${join(process.cwd(), "notes.sqlite3")}`,
    secret,
    nameGenerator: "friendly",
    loginRedirectUrl: "/",
  });
  const notes = notesStore(guestUsers);
  // A guest who logs in to an existing account brings their notes along.
  guestUsers.on("merged", ({ guest, user, db }) => notes.move(db, guest.id, user.id));
  const guestUser = guestUserNext(guestUsers, { cookies, headers });
  return {
    guestUsers,
    guestUser,
    notes,
    /** GET and POST of the built-in views: app/accounts/[...path], app/convert/[[...path]]. */
    accountRoutes: guestUser.routeHandlers(),
    /** proxy.ts: re-sends session cookies whose expiry was extended, drops stale ones. */
    pageProxy: guestUser.proxy(NextResponse),
  };
}

// One instance per server process, kept on globalThis: Next may load this module once per
// route bundle (and instrumentation.ts), and the app needs one database pool.
const shared = globalThis as typeof globalThis & { notesApp?: ReturnType<typeof createApp> };
shared.notesApp ??= createApp();

export const { guestUsers, guestUser, notes, accountRoutes, pageProxy } = shared.notesApp;
