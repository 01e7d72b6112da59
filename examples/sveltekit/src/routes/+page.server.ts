import { fail, redirect } from "@sveltejs/kit";
import { guestUser, notes } from "$lib/server/guest-user";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { user, isGuest } = await guestUser.currentUser(event); // never makes a guest
  return {
    user: user && { id: user.id, username: user.username },
    isGuest,
    notes: user ? await notes.list(user.id) : [],
  };
};

export const actions = {
  /** Adds a note; the visitor's first note makes them a guest (the cookie goes with the answer). */
  add: guestUser.withGuest(async (event, user) => {
    const text = String((await event.request.formData()).get("text") ?? "").trim();
    if (!text || text.length > 500) return fail(400, { text });
    if (!user) return fail(403, { refused: true }); // a crawler, or guests are off
    await notes.add(user.id, text);
  }),
  /** Logs out (guest or registered). */
  logout: async (event) => {
    await guestUser.logOut(event);
    redirect(303, "/");
  },
} satisfies Actions;
