import { guestUser, notes } from "../utils/guest-user";

/**
 * Adds a note; the visitor's first note makes them a guest (its cookie goes with the answer).
 * Posted by the page with $fetch (JSON), or by the plain form before the page is interactive.
 */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ text?: unknown } | undefined>(event);
  const text = String(body?.text ?? "").trim();
  if (!text || text.length > 500)
    throw createError({ statusCode: 400, statusMessage: "Write a note of 1 to 500 characters." });
  const user = await guestUser.ensureGuest(event); // null: a crawler, or guests are off
  if (!user)
    throw createError({ statusCode: 403, statusMessage: "No guest account for this visitor." });
  await notes.add(user.id, text);
  const fromForm = getRequestHeader(event, "content-type")?.startsWith(
    "application/x-www-form-urlencoded",
  );
  return fromForm ? sendRedirect(event, "/", 303) : { ok: true };
});
