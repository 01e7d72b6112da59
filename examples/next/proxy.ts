import { pageProxy } from "./lib/guest-user";

/**
 * Runs before the pages (not the static files): re-sends the session cookie when its expiry
 * was extended, which a server component cannot do. `guestUser.proxy(NextResponse,
 * { allowGuestUser: true })` would make guests on the first page visit instead of the first
 * server action.
 */
export const proxy = pageProxy;

export const config = { matcher: ["/((?!_next/|favicon.ico).*)"] };
