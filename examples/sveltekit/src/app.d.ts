import type { GuestUserLocals } from "guest-user/sveltekit";

// event.locals.user, event.locals.isGuest and event.locals.guestUser, set by the handle hook.
declare global {
  namespace App {
    interface Locals extends GuestUserLocals {}
  }
}
