import type { User as GuestUser } from "../../core/types.ts";
import type { RequestState } from "../../http/request.ts";

/**
 * What the adapter puts in `res.locals` for templates.
 *
 * @example
 * ```ts
 * app.get("/", guestUser.allowGuestUser(), (req, res) => res.render("home")); // user, isGuest
 * ```
 */
export interface GuestUserLocals {
  /** The current user, `null` for an anonymous visitor. @default undefined until resolved */
  user?: Express.User | null;
  /** True when the current user is a guest. @default undefined until resolved */
  isGuest?: boolean;
  /**
   * The CSRF token for your own forms, set once `guestUser.csrfToken(req, res)` or
   * `guestUser.csrfField(req, res)` ran in this request (never computed unless asked).
   * @default undefined until one of them ran
   * @example
   * ```ts
   * app.get("/", async (req, res) => { await guestUser.csrfToken(req, res); res.render("home"); });
   * // home.ejs: <input type="hidden" name="csrf_token" value="<%= csrfToken %>">
   * ```
   */
  csrfToken?: string;
}

/**
 * What the adapter adds to Express's `req` and `res.locals` (declaration merging: importing
 * `guest-user/express` is enough). `req.user` has the same declaration as `@types/passport`'s,
 * so both packages can be used together.
 *
 * @example
 * ```ts
 * app.get("/", guestUser.allowGuestUser(), (req, res) => {
 *   res.send(req.isGuest ? `Hi guest ${req.user?.username}` : "Hi");
 * });
 * ```
 */
declare global {
  namespace Express {
    /** The current user: ours (cookie mode), or what Passport's `deserializeUser` gave. */
    interface User extends GuestUser {}

    interface Request {
      /** Who is asking, as resolved once per request by the adapter. @default undefined until resolved */
      guestUser?: RequestState;
      /** The current user, `undefined` for an anonymous visitor. */
      user?: User | undefined;
      /** True when the current user is a guest. @default undefined until resolved */
      isGuest?: boolean;
    }

    interface Locals extends GuestUserLocals {}
  }
}
