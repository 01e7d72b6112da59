import { guestUser, notes } from "../utils/guest-user";

/** The visitor's notes (none for an anonymous visitor). */
export default defineEventHandler(async (event) => {
  const { user } = await guestUser.currentUser(event);
  return user ? notes.list(user.id) : [];
});
