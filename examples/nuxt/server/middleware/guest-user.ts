import { guestUser } from "../utils/guest-user";

// Resolves the visitor (event.context.user), serves /convert/, /accounts/... and the session
// JSON of useGuestUser(); never makes a guest.
export default defineEventHandler(guestUser.middleware);
