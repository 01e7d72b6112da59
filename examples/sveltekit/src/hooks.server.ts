import type { Handle, ServerInit } from "@sveltejs/kit";
import { guestUser, guestUsers, notes } from "$lib/server/guest-user";

/** Runs once when the server starts, before it answers: creates the tables. */
export const init: ServerInit = async () => {
  await guestUsers.migrate();
  await notes.createTable();
};

/**
 * Resolves the visitor into event.locals, answers the built-in views (/accounts/login/,
 * /convert/...) and sends the session cookie. With other hooks: sequence(guestUser.handle, ...).
 */
export const handle: Handle = guestUser.handle;
