import type { Context, MiddlewareHandler } from "hono";
import { GuestUserError } from "../../core/errors.ts";
import type { GuestUsers } from "../../core/guest-users.ts";
import * as guards from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import { type WebHandler, withCookies } from "../../http/handler.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import type { GuestUserEnv, GuestUserHono, GuestUserHonoOptions } from "./types.ts";

export type {
  GuestUserEnv,
  GuestUserHono,
  GuestUserHonoOptions,
  GuestUserVariables,
} from "./types.ts";

/**
 * Creates the Hono adapter.
 *
 * @example
 * ```ts
 * const guestUser = guestUserHono(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
 * const app = new Hono<GuestUserEnv>();
 * app.use(guestUser.session());
 * app.use(guestUser.routes(accountViews(guestUser.http)));
 * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
 * app.get("/billing/", guestUser.regularUserRequired(), (c) => c.text("paid area"));
 * ```
 */
export function guestUserHono(
  guestUsers: GuestUsers,
  options: GuestUserHonoOptions = {},
): GuestUserHono {
  const http = options.http ?? createGuestUserHttp(guestUsers);

  const publish = (c: Context<GuestUserEnv>, state: RequestState) => {
    c.set("guestUser", state);
    c.set("user", state.user);
    c.set("isGuest", state.isGuest);
  };
  const addressOf = options.clientAddress ?? nodeServerAddress;
  /** The request as the web layer reads it, with the client address for the guest limit. */
  const requestOf = (c: Context<GuestUserEnv>): HttpRequest => {
    const raw = c.req.raw;
    return {
      method: raw.method,
      url: raw.url,
      headers: raw.headers,
      clientAddress: addressOf(c),
      toWebRequest: () => raw,
    };
  };
  const flush = (c: Context<GuestUserEnv>, state: RequestState) => {
    for (const cookie of state.setCookies.splice(0))
      c.header("Set-Cookie", cookie, { append: true });
  };
  /** Runs `body` with the state; resolves (and later flushes) it when no `session()` did. */
  const withState = async (
    c: Context<GuestUserEnv>,
    body: (state: RequestState) => Promise<void>,
  ) => {
    const existing = c.get("guestUser");
    if (existing) return body(existing);
    const state = await http.resolve(c.req.raw);
    publish(c, state);
    await body(state);
    flush(c, state);
  };
  const guard =
    (check: guards.Guard): MiddlewareHandler<GuestUserEnv> =>
    (c, next) =>
      withState(c, async (state) => {
        const location = await check(http, requestOf(c), state);
        publish(c, state);
        if (location === null) await next();
        else c.res = c.redirect(location, 302);
      });
  const mount =
    (handler: WebHandler): MiddlewareHandler<GuestUserEnv> =>
    async (c) => {
      const state = c.get("guestUser") ?? (await http.resolve(c.req.raw));
      publish(c, state);
      return withCookies(await handler(c.req.raw, { http, state }), state);
    };

  return {
    http,
    session: () => (c, next) => withState(c, () => next()),
    allowGuestUser: () => guard(guards.allowGuestUser()),
    guestUserRequired: (options) => guard(guards.guestUserRequired(options)),
    regularUserRequired: (options) => guard(guards.regularUserRequired(options)),
    async maybeCreateGuestUser(c) {
      const state = c.get("guestUser");
      if (!state) {
        throw new GuestUserError(
          "INVALID_CONFIG",
          "maybeCreateGuestUser(c) needs the session middleware: add `app.use(guestUser.session())` before your routes.",
        );
      }
      const user = await http.maybeCreateGuestUser(requestOf(c), state);
      publish(c, state);
      return user;
    },
    isGuestUser(target) {
      if (!target) return false;
      if ("req" in target) return target.get("isGuest") === true;
      return target.isGuest;
    },
    mount,
    routes(routes) {
      const table = new Map<string, MiddlewareHandler<GuestUserEnv>>();
      for (const route of routes) {
        const handler = mount(route.handler);
        for (const method of route.methods) table.set(`${method} ${route.path}`, handler);
      }
      return async (c, next) => {
        const method = c.req.method === "HEAD" ? "GET" : c.req.method;
        const handler = table.get(`${method} ${c.req.path}`);
        return handler ? handler(c, next) : next();
      };
    },
  };
}

/** The remote address of @hono/node-server's incoming message, when running on it. */
function nodeServerAddress(c: Context<GuestUserEnv>): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}
