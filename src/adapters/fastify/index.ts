import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";
import type { GuestUsers } from "../../core/guest-users.ts";
import { adapterCore, CLIENT_GONE } from "../../http/adapter-core.ts";
import type { Guard } from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler } from "../../http/handler.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { accountViews } from "../../http/views/index.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { sharedMembers, viewOn } from "../shared.ts";
import {
  FASTIFY_OPTIONS,
  type GuestUserFastify,
  type GuestUserFastifyOptions,
  type GuestUserPreHandler,
} from "./types.ts";
import { addFormBodyParser, httpRequestOf, sendResponse, toWebRequest } from "./web.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export type {
  FastifyAdapterTypes,
  GuestUserFastify,
  GuestUserFastifyOptions,
  GuestUserPreHandler,
} from "./types.ts";

/**
 * Creates the Fastify adapter.
 *
 * @example
 * ```ts
 * const guestUser = guestUserFastify(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
 * await app.register(guestUser.session());
 * await app.register(guestUser.routes(accountViews(guestUser.http)));
 * app.get("/editor/", { preHandler: guestUser.allowGuestUser() }, async (request) => ({ id: request.user?.id }));
 * app.get("/billing/", { preHandler: guestUser.regularUserRequired() }, async () => "paid area");
 * ```
 */
export function guestUserFastify(
  guestUsers: GuestUsers,
  options: GuestUserFastifyOptions = {},
): GuestUserFastify {
  const { http: given, formBody } = parseOptions(FASTIFY_OPTIONS, options, "guestUserFastify()");
  const http = given ?? createGuestUserHttp(guestUsers);
  const viewOf = (request: FastifyRequest) => viewOn(request, httpRequestOf);
  const publish = (request: FastifyRequest, state: RequestState) => {
    request.guestUser = state;
    request.user = state.user;
    request.isGuest = state.isGuest;
  };
  const core = adapterCore<FastifyRequest>(http, {
    view: viewOf,
    stored: (request) => request.guestUser,
    resolve: (request) => http.resolve(viewOf(request)),
    publish,
  });
  const flush = (reply: FastifyReply, state: RequestState | null) => {
    if (state && state.setCookies.length > 0)
      reply.header("set-cookie", state.setCookies.splice(0));
  };
  /** Runs `body`; a failure gets the core's answer (503 for an outage...) or is rethrown. */
  const guarding = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    body: () => Promise<T>,
  ): Promise<T | FastifyReply> => {
    try {
      return await body();
    } catch (error) {
      const answer = core.failure(request, error);
      // A client that went away: Fastify's own error handling knows the socket is closed.
      if (answer === null || answer === CLIENT_GONE || reply.sent) throw error;
      return sendResponse(reply, answer);
    }
  };
  const guard = (check: Guard): GuestUserPreHandler => {
    const locate = core.guard(check);
    return (request, reply) =>
      guarding(request, reply, async () => {
        const location = await locate(request);
        flush(reply, request.guestUser);
        if (location === null) return undefined;
        if (typeof location !== "string") return sendResponse(reply, location);
        return reply.redirect(location, 302);
      });
  };
  const mount =
    (handler: WebHandler): RouteHandlerMethod =>
    (request, reply) =>
      guarding(request, reply, async () =>
        sendResponse(reply, await core.serve(handler, request, toWebRequest)),
      );
  /** A helper on the state: puts its pending cookies on `reply`. */
  const withRequest = <T>(make: (request: HttpRequest, state: RequestState) => T | Promise<T>) => {
    const run = core.helper(make);
    return async (request: FastifyRequest, reply: FastifyReply): Promise<T> => {
      const result = await run(request);
      flush(reply, request.guestUser);
      return result;
    };
  };
  const plugin: FastifyPluginAsync = async (app) => {
    if (app.hasRequestDecorator("guestUser")) return;
    if (!app.hasRequestDecorator("user")) app.decorateRequest("user", null);
    app.decorateRequest("isGuest", false);
    app.decorateRequest("guestUser", null);
    if (formBody) addFormBodyParser(app);
    app.addHook("onRequest", async (request, reply) => {
      await guarding(request, reply, () => core.stateOf(request));
    });
    // A callback hook, not an async one: it runs on every response, and an async hook costs
    // Fastify a promise and its settling per request.
    app.addHook("onSend", (request, reply, payload, done) => {
      if (request.guestUser) flush(reply, request.guestUser);
      done(null, payload);
    });
  };
  Object.assign(plugin, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "guest-user",
  });

  return {
    ...sharedMembers(http, guard, withRequest),
    session: () => plugin,
    async verifyCsrf(request, submitted) {
      return http.verifyCsrf(viewOf(request), await core.stateOf(request), submitted);
    },
    isGuestUser(target) {
      if (!target) return false;
      return "raw" in target ? target.isGuest === true : target.isGuest;
    },
    mount,
    routes:
      (routes = accountViews(http)) =>
      async (app) => {
        if (formBody) addFormBodyParser(app);
        for (const route of routes) {
          app.route({ method: [...route.methods], url: route.path, handler: mount(route.handler) });
        }
      },
  };
}
