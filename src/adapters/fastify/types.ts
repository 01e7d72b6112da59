import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";
import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { RequestState } from "../../http/request.ts";
import { type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { trueOrFalse } from "../../shared/option-values.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
import { WEB_LAYER_OPTION } from "../shared.ts";

/**
 * What the plugin adds to every Fastify request (declaration merging: importing the adapter
 * is enough).
 *
 * @example
 * ```ts
 * app.get("/", async (request) => (request.isGuest ? `Hi guest ${request.user?.username}` : "Hi"));
 * ```
 */
declare module "fastify" {
  interface FastifyRequest {
    /** The current user, or null for an anonymous visitor (set by guest-user). @default null */
    user: User | null;
    /** True when the current user is a guest (set by guest-user). @default false */
    isGuest: boolean;
    /** The whole request state of guest-user (token, pending cookies). @default null before it ran */
    guestUser: RequestState | null;
  }
}

/**
 * A guard as a `preHandler` hook; it answers a 302 itself or lets the route run.
 *
 * @example
 * ```ts
 * app.get("/billing/", { preHandler: guestUser.regularUserRequired() }, handler);
 * ```
 */
export type GuestUserPreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

/**
 * Options of `guestUserFastify()`.
 *
 * @example
 * ```ts
 * await app.register(formbody); // your own parser: register it before ours, or...
 * const guestUser = guestUserFastify(guestUsers, { formBody: false });
 * ```
 */
export interface GuestUserFastifyOptions {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * Register a parser for `application/x-www-form-urlencoded` bodies (same shape as
   * `@fastify/formbody`) when none is registered yet.
   * @default true
   */
  readonly formBody?: boolean;
}

/** {@link GuestUserFastifyOptions}' schema. */
export const FASTIFY_OPTIONS = optionBag({
  http: WEB_LAYER_OPTION,
  formBody: v.optional(trueOrFalse, true),
} satisfies EntriesOf<GuestUserFastifyOptions>);

/** The Fastify shapes of {@link GuestUserAdapter}'s members. */
export interface FastifyAdapterTypes extends AdapterTypes {
  readonly session: FastifyPluginAsync;
  readonly guardArgs: [];
  readonly guard: GuestUserPreHandler;
  readonly on: [request: FastifyRequest, reply: FastifyReply];
  readonly verifyOn: [request: FastifyRequest];
  readonly isGuestArgs: [target: FastifyRequest | User | null | undefined];
  readonly isGuestResult: boolean;
  readonly mounted: RouteHandlerMethod;
  readonly routes: FastifyPluginAsync;
}

/**
 * The Fastify adapter (see {@link GuestUserAdapter}): an app-wide plugin (not encapsulated;
 * it decorates `request.user`, `request.isGuest` and `request.guestUser`, resolves them in
 * `onRequest`, sends pending cookies in `onSend`, and parses URL-encoded forms, see
 * `formBody`), the guards as `preHandler` hooks, CSRF helpers for your own forms (their
 * cookie goes on `reply`), and mounting of Web handlers and routes (a plugin; HEAD comes with
 * GET, as Fastify does). Guards and `mount()` also work without the plugin.
 *
 * @example
 * ```ts
 * await app.register(guestUser.session());
 * app.get("/editor/", { preHandler: guestUser.allowGuestUser() }, async (request) => request.user);
 * ```
 */
export type GuestUserFastify = GuestUserAdapter<FastifyAdapterTypes>;
