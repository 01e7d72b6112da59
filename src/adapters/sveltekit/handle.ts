import { answerWebRequest } from "../../http/adapter-core.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler } from "../../http/handler.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { compileTrust, webRequestView } from "../../http/trust-proxy.ts";
import { withoutTrailingSlash } from "../shared.ts";
import type { GuestUserLocals, SvelteKitHandleEvent, SvelteKitHandleInput } from "./types.ts";

const NO_PROXY = compileTrust(false);

/** The request's view and state, kept per request by `event.locals` (shared by load and actions). */
export const views = new WeakMap<object, HttpRequest>();

/** Puts the state in `event.locals` (again after a helper changed the user). */
export function publish(locals: object, state: RequestState): void {
  const target = locals as GuestUserLocals;
  target.user = state.user;
  target.isGuest = state.isGuest;
  target.guestUser = state;
}

/** The client's address: `event.getClientAddress()`, null where the SvelteKit adapter cannot tell. */
export function eventAddress(event: SvelteKitHandleEvent): string | null {
  try {
    return event.getClientAddress() || null;
  } catch {
    return null;
  }
}

/**
 * The `handle` hook: resolves the visitor (one query at most), answers `table`'s views itself,
 * else renders the route with `resolve`; the pending cookies go on the response, failures get
 * the answer every adapter gives (503 for an outage...).
 */
export function svelteKitHandle(
  http: GuestUserHttp,
  table: Map<string, Map<string, WebHandler>>,
  addressOf: (event: SvelteKitHandleEvent) => string | null,
) {
  return <E extends SvelteKitHandleEvent>({
    event,
    resolve,
  }: SvelteKitHandleInput<E>): Promise<Response> => {
    // event.url, not request.url: a client-side navigation's `__data.json` is stripped there,
    // so a guard's `?next=` names the page.
    const view: HttpRequest = {
      ...webRequestView(event.request, addressOf(event), NO_PROXY),
      url: event.url.href,
    };
    return answerWebRequest(http, view, event.request.signal, async (state) => {
      views.set(event.locals, view);
      publish(event.locals, state);
      const methods = table.get(withoutTrailingSlash(event.url.pathname));
      if (!methods) return resolve(event);
      const handler = methods.get(event.request.method === "HEAD" ? "GET" : event.request.method);
      if (!handler) {
        const allow = [...methods.keys()].join(", ");
        return new Response("Method Not Allowed", { status: 405, headers: { allow } });
      }
      return handler(event.request, { http, state });
    });
  };
}
