import * as v from "valibot";
import type { QuotaVerdict } from "../core/operations/quotas.ts";
import { type EntriesOf, optionBag, parseOptions } from "../shared/option-schema.ts";
import { positiveInteger, someOf } from "../shared/option-values.ts";
import type { Guard } from "./guards.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import type { HttpRequest, RequestState } from "./request.ts";
import { nextValue, withNext } from "./safe-next.ts";
import { wantsJson } from "./views/negotiate.ts";
import { defaultTemplates, resolveTemplates, type Templates } from "./views/templates.ts";

/** Options of {@link quota}. */
export interface QuotaGuardOptions {
  /** Units one request spends. @default 1 @example cost: 5 */
  readonly cost?: number;
  /**
   * The templates of the 429 page (`layout`, `quotaExceeded`), as given to `accountViews`.
   * @default the built-in templates
   */
  readonly templates?: Partial<Templates>;
}

const QUOTA_GUARD = optionBag({
  cost: v.optional(positiveInteger, 1),
  templates: v.optional(someOf(defaultTemplates), {}),
} satisfies EntriesOf<QuotaGuardOptions>);

/**
 * Where a guest converts and comes back to: the convert page with `next` = this page (for a
 * GET), else the same-site page that sent the request (its `Referer`), else this address.
 */
function upgradeUrl(http: GuestUserHttp, request: HttpRequest): string {
  const { convertUrl } = http.guestUsers.settings;
  const here = new URL(request.url);
  let back = here;
  const referer = request.headers.get("referer");
  if (request.method !== "GET" && referer) {
    try {
      const from = new URL(referer);
      if (from.origin === here.origin) back = from;
    } catch {
      // Not a URL: come back to this address.
    }
  }
  return withNext(convertUrl, "next", nextValue(back, convertUrl));
}

/**
 * The 429 of a spent quota, with `Retry-After`. JSON: `{ error: { code: "QUOTA_EXCEEDED",
 * message }, quota: { name, limit, remaining: 0, resetAt }, upgradeUrl }` (`upgradeUrl` null
 * for a registered user); HTML: the `quotaExceeded` page in the layout.
 */
export function quotaExceededResponse(
  http: GuestUserHttp,
  request: HttpRequest,
  state: RequestState,
  verdict: QuotaVerdict,
  templates: Templates = defaultTemplates,
): Response {
  const upgrade = state.isGuest ? upgradeUrl(http, request) : null;
  const seconds = Math.max(1, verdict.retryAfterSeconds);
  const { name, limit, resetAt } = verdict;
  const message = upgrade
    ? `You have used your ${limit} "${name}" units for now: create an account to get more.`
    : `You have used your ${limit} "${name}" units for now: try again after ${resetAt}.`;
  const headers = { "retry-after": String(seconds), "cache-control": "no-store" };
  if (wantsJson(request)) {
    const quota = { name, limit, remaining: 0, resetAt };
    const body = { error: { code: "QUOTA_EXCEEDED", message }, quota, upgradeUrl: upgrade };
    return Response.json(body, { status: 429, headers });
  }
  const page = templates.quotaExceeded({
    name,
    limit: limit ?? 0,
    resetAt,
    retryAfterSeconds: seconds,
    upgradeUrl: upgrade,
    user: state.user,
  });
  const html = templates.layout({
    title: "Limit reached",
    body: page,
    user: state.user,
    csrfToken: http.csrfToken(request, state),
  });
  return new Response(html, {
    status: 429,
    headers: { ...headers, "content-type": "text/html; charset=utf-8" },
  });
}

/**
 * Spends `cost` units of quota `name` (the `quotas` option) per request, for the current user:
 * an anonymous visitor first gets a guest as with `allowGuestUser` (one it cannot get, a
 * crawler say, goes to the login page with `next`). Past the limit: 429 with `Retry-After`,
 * JSON or the HTML page offering a guest to convert (see {@link quotaExceededResponse});
 * nothing is spent then. The handler reads what is left in `state.quota`.
 *
 * @default options { cost: 1 }
 * @example
 * ```ts
 * app.post("/ask/", guestUser.quota("ai"), ask); // Express, Hono, Fastify
 * // a guest's 4th question: 429 { error: { code: "QUOTA_EXCEEDED" }, quota, upgradeUrl: "/convert/?next=/chat/" }
 * ```
 */
export function quota(name: string, options: QuotaGuardOptions = {}): Guard {
  const { cost, templates } = parseOptions(QUOTA_GUARD, options, "quota()");
  const pages = resolveTemplates(templates);
  return async (http, request, state) => {
    if (!state.user) await http.maybeCreateGuestUser(request, state);
    if (!state.user) {
      const { loginUrl } = http.guestUsers.settings;
      return withNext(loginUrl, "next", nextValue(new URL(request.url), loginUrl));
    }
    const verdict = await http.guestUsers.consumeQuota(state.user, name, cost);
    state.quota = verdict;
    if (verdict.allowed) return null;
    return quotaExceededResponse(http, request, state, verdict, pages);
  };
}
