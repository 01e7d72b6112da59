import type { Context, MiddlewareHandler } from "hono";
import type { GuestUsers } from "../../core/guest-users.ts";
import { adapterCore, CLIENT_GONE } from "../../http/adapter-core.ts";
import type { Guard } from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler } from "../../http/handler.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { compileTrust, webRequestView } from "../../http/trust-proxy.ts";
import { accountViews } from "../../http/views/index.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { routeTable, sharedMembers, viewOn } from "../shared.ts";
import {
  type GuestUserEnv,
  type GuestUserHono,
  type GuestUserHonoOptions,
  HONO_OPTIONS,
} from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export type {
  GuestUserEnv,
  GuestUserHono,
  GuestUserHonoOptions,
  GuestUserVariables,
  HonoAdapterTypes,
} from "./types.ts";

/**
 * Creates the Hono adapter.
 *
 * @example
 * ```ts
 * const guestUser = guestUserHono(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
 * const app = new Hono<GuestUserEnv>(); // types c.var (or chain: new Hono().use(guestUser.session()))
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
  const parsed = parseOptions(HONO_OPTIONS, options, "guestUserHono()");
  const http = parsed.http ?? createGuestUserHttp(guestUsers);
  const trust = compileTrust(parsed.trustProxy);
  const addressOf = parsed.clientAddress ?? nodeServerAddress;

  const publish = (c: Context<GuestUserEnv>, state: RequestState) => {
    c.set("guestUser", state);
    c.set("user", state.user);
    c.set("isGuest", state.isGuest);
  };
  /** The request as the web layer reads it: client address and protocol through trusted proxies. */
  const makeView = (c: Context<GuestUserEnv>) => webRequestView(c.req.raw, addressOf(c), trust);
  const requestOf = (c: Context<GuestUserEnv>) => viewOn(c, makeView);
  /**
   * Adds the state's pending cookies to the response. Before the handler has answered they go
   * into Hono's prepared headers, so `c.json()` & co. build the response with them (no copy of
   * the response afterwards: @hono/node-server keeps its fast path); they are remembered, and
   * re-added after `next()` if the handler returned a Response of its own (which drops them).
   */
  const flush = (c: Context<GuestUserEnv>, state: RequestState) => {
    const holder = c as Context<GuestUserEnv> & { [EARLY]?: string[] };
    if (!c.finalized) {
      const early = holder[EARLY] ?? [];
      holder[EARLY] = early;
      for (const cookie of state.setCookies.splice(0)) {
        c.header("Set-Cookie", cookie, { append: true });
        early.push(cookie);
      }
      return;
    }
    const early = holder[EARLY]?.splice(0) ?? [];
    const sent = early.length > 0 ? new Set(c.res.headers.getSetCookie()) : null;
    for (const cookie of early)
      if (!sent?.has(cookie)) c.header("Set-Cookie", cookie, { append: true });
    for (const cookie of state.setCookies.splice(0))
      c.header("Set-Cookie", cookie, { append: true });
  };
  const core = adapterCore<Context<GuestUserEnv>>(http, {
    view: requestOf,
    stored: (c) => c.get("guestUser"),
    resolve: (c) => http.resolve(requestOf(c)),
    publish,
  });
  /** Runs `body`; a failure gets the core's answer (503 for an outage...) or is rethrown. */
  const guarding = async (
    c: Context<GuestUserEnv>,
    body: () => Promise<Response | undefined>,
  ): Promise<Response | undefined> => {
    try {
      return await body();
    } catch (error) {
      const answer = core.failure(c, error, c.req.raw.signal.aborted);
      if (answer === CLIENT_GONE) return new Response(null, { status: 400 });
      if (answer === null) throw error;
      return answer;
    }
  };
  const guard = (check: Guard): MiddlewareHandler<GuestUserEnv> => {
    const locate = core.guard(check);
    return (c, next) =>
      guarding(c, async () => {
        const hasSession = c.get("guestUser") !== undefined;
        const location = await locate(c); // resolves the state when no session() did
        const state = c.get("guestUser");
        if (location === null) {
          flush(c, state); // into the prepared headers: see flush
          await next();
          flush(c, state); // what the handler's own Response dropped, and later cookies
        } else {
          c.res = typeof location === "string" ? c.redirect(location, 302) : location;
          if (!hasSession) flush(c, state);
        }
        return undefined;
      });
  };
  const mount =
    (handler: WebHandler): MiddlewareHandler<GuestUserEnv> =>
    (c) =>
      guarding(c, () => core.serve(handler, c, rawRequest)) as Promise<Response>;
  /** A helper on the state; flushes its cookies when no `session()` will. */
  const withContext = <T>(make: (request: HttpRequest, state: RequestState) => T | Promise<T>) => {
    const run = core.helper(make);
    return async (c: Context): Promise<T> => {
      const context = c as Context<GuestUserEnv>;
      const hasSession = context.get("guestUser") !== undefined;
      const result = await run(context);
      if (!hasSession) flush(context, context.get("guestUser"));
      return result;
    };
  };

  return {
    ...sharedMembers(http, guard, withContext),
    session: () => (c, next) =>
      guarding(c, async () => {
        const hasSession = c.get("guestUser") !== undefined;
        const state = await core.stateOf(c);
        await next();
        if (!hasSession) flush(c, state);
        return undefined;
      }),
    async verifyCsrf(c, submitted) {
      return http.verifyCsrf(requestOf(c), await core.stateOf(c), submitted);
    },
    isGuestUser(target) {
      if (!target) return false;
      if ("req" in target) return target.get("isGuest") === true;
      return target.isGuest;
    },
    mount,
    routes(routes = accountViews(http)) {
      const table = routeTable(routes, mount);
      return async (c, next) => {
        const method = c.req.method === "HEAD" ? "GET" : c.req.method;
        const handler = table.get(c.req.path)?.get(method);
        return handler ? handler(c, next) : next();
      };
    },
  };
}

/** The Web Request under Hono's context. */
const rawRequest = (c: Context) => c.req.raw;
/** The cookies flushed into Hono's prepared headers before the handler ran. */
const EARLY = Symbol("guest-user.earlyCookies");

/** The remote address of @hono/node-server's incoming message, when running on it. */
function nodeServerAddress(c: Context<GuestUserEnv>): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}
