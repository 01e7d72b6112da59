import { guestUser } from "$lib/server/guest-user";
import type { PageServerLoad } from "./$types";

/** Registered users only: guests go to /convert/?next=/settings, anonymous visitors to log in. */
export const load: PageServerLoad = async (event) => {
  await guestUser.regularUserRequired(event);
  return { username: event.locals.user?.username ?? "" };
};
