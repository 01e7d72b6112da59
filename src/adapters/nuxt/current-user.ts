import type { User } from "../../core/model/types.ts";

/**
 * Who is asking, as `guestUser.currentUser(event)` answers and `useGuestUser()` holds it (the
 * middleware's session JSON has the same shape): plain data, serialisable from the server's
 * render to the browser.
 */
export interface NuxtCurrentUser {
  /** The current user, or null for an anonymous visitor (no guest is ever made to answer). */
  readonly user: User | null;
  /** True when the current user is a guest. */
  readonly isGuest: boolean;
  /**
   * A guest's deadline in milliseconds since the epoch: null for registered users, anonymous
   * visitors and guests kept forever.
   * @example
   * ```ts
   * if (isGuest && expiresAt) notice(`Kept until ${new Date(expiresAt).toLocaleDateString()}`);
   * ```
   */
  readonly expiresAt: number | null;
  /**
   * True when a write (`ensureGuest`, `allowGuestUser`) would make this visitor a guest
   * (guests enabled, User-Agent not a crawler's).
   */
  readonly canBecomeGuest: boolean;
}

/**
 * Where the middleware leaves a function answering {@link NuxtCurrentUser} for this request on
 * `event.context`, for `useGuestUser()` in the server's render (no second lookup).
 */
export const CURRENT_USER_KEY = "guestUserCurrent";
