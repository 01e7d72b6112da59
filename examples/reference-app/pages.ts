/**
 * The reference app's own pages, written once as Web handlers and View classes; each
 * adapter (app-express.ts, app-hono.ts, app-fastify.ts) mounts them. The account pages
 * (convert, login, logout, sign-up) are the library's `accountViews`.
 *
 * Every page answers `Accept: application/json` with `{"user": ...}` (`userJson`) and
 * otherwise a small HTML page showing the user. The `allow_guest_user` pages answer POST too
 * (an HTML form with `csrf_token`, or JSON), the same way: with `GUEST_USER_CREATE_ON=write`
 * a GET leaves the visitor anonymous and that POST makes the guest.
 */
import {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  type HandlerContext,
  RegularUserRequiredMixin,
  readBody,
  userJson,
  View,
  type WebHandler,
} from "guest-user";
import { escapeHtml } from "guest-user/templates";
import type { OperationsConfig, TrustProxyConfig } from "./config.ts";
import type { OwnedDataConfig } from "./owned-data.ts";
import type { QuotaConfig } from "./quota.ts";

/**
 * True when the client asks for JSON (an `Accept` naming JSON, or a JSON body), as the
 * library's account views decide. The adapters, `View` and `fetchHandler` add the pending
 * cookies (a new guest's session) to whatever Response a page returns.
 */
function wantsJson(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  const contentType = request.headers.get("content-type") ?? "";
  return /\bjson\b/i.test(accept) || /^application\/([\w.-]+\+)?json\b/i.test(contentType);
}

/** The three function guards of every adapter, by the name the adapters give them. */
export type GuardName =
  | "allowGuestUser"
  | "guestUserRequired"
  | "regularUserRequired"
  | "termsRequired";

/** The methods a page is mounted for (HEAD comes with GET in every framework). */
export type PageMethod = "GET" | "POST";

const LINKS: readonly (readonly [string, string])[] = [
  ["/allow_guest_user/", "allow_guest_user"],
  ["/guest_user_required/", "guest_user_required"],
  ["/regular_user_required/", "regular_user_required"],
  ["/terms_required/", "terms_required"],
  ["/mixin/allow_guest_user/", "AllowGuestUserMixin"],
  ["/mixin/guest_user_required/", "GuestUserRequiredMixin"],
  ["/mixin/regular_user_required/", "RegularUserRequiredMixin"],
  ["/convert/", "convert"],
  ["/accounts/profile/", "profile"],
  ["/accounts/login/", "log in"],
  ["/accounts/signup/", "sign up"],
  ["/accounts/oauth/oidc/start/", "sign in with OIDC (when configured)"],
  ["/admin/guests/", "admin (staff, and GUEST_USER_ADMIN_USERS)"],
];

/** What a page shows besides the user. */
export interface PageOptions {
  /**
   * A form POSTing to this path with the CSRF token (the `allow_guest_user` pages: with
   * `GUEST_USER_CREATE_ON=write` that POST is what makes the guest).
   */
  readonly postTo?: string;
}

/**
 * The page of `title` for whoever is asking: JSON `{ user }` when the client prefers it,
 * else HTML with the user and, when signed in, a logout form carrying its CSRF token (and the
 * `postTo` form, if any).
 */
export function userPage(
  title: string,
  request: Request,
  context: HandlerContext,
  options: PageOptions = {},
): Response {
  const { http, state } = context;
  if (wantsJson(request)) {
    return Response.json(userJson(state.user, state.expiresAt), {
      headers: { "cache-control": "no-store" },
    });
  }
  const { user } = state;
  const who = user
    ? `<p>Signed in as <strong id="username">${escapeHtml(user.username)}</strong> (id <code id="user-id">${escapeHtml(user.id)}</code>), ${user.isGuest ? '<span id="kind">a guest</span>' : '<span id="kind">a registered user</span>'}.</p>
<form method="post" action="/accounts/logout/">
<input type="hidden" name="csrf_token" value="${escapeHtml(http.csrfToken(request, state))}">
<button type="submit">Log out</button>
</form>`
    : `<p id="anonymous">Not signed in${state.guestPending ? ' <span id="guest-pending">(a guest is made on your first POST)</span>' : ""}.</p>`;
  const post = options.postTo
    ? `<form method="post" action="${escapeHtml(options.postTo)}" id="post-form">
<input type="hidden" name="csrf_token" value="${escapeHtml(http.csrfToken(request, state))}">
<button type="submit">POST</button>
</form>`
    : "";
  const links = LINKS.map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join("\n");
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${who}
${post}
<ul>
${links}
</ul>
</body>
</html>
`;
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * A POST page reads what it was sent with the library's `readBody` (a form or a JSON object,
 * within the account views' limits: 64 KiB, 64 levels of JSON), so a body it cannot take
 * gets the same 400/413/415 on every adapter: they answer a thrown `BodyError` with its status.
 */
async function readPosted(request: Request): Promise<void> {
  if (request.method === "POST") await readBody(request);
}

/** A Web handler showing {@link userPage} (after reading a POSTed body). */
export const showUser =
  (title: string, options?: PageOptions): WebHandler =>
  async (request, context) => {
    await readPosted(request);
    return userPage(title, request, context, options);
  };

/**
 * The function-guard pages: each adapter mounts `handler` behind its own `guard()` for
 * `methods`. A POST page needs its body parsed before the guard (Express: a body parser) so
 * that the guard of `GUEST_USER_CREATE_ON=write` can read the form's `csrf_token`.
 */
export const guardedPages: readonly {
  readonly path: string;
  readonly guard: GuardName;
  readonly methods: readonly PageMethod[];
  readonly handler: WebHandler;
}[] = [
  {
    path: "/allow_guest_user/",
    guard: "allowGuestUser",
    methods: ["GET", "POST"],
    handler: showUser("allow_guest_user", { postTo: "/allow_guest_user/" }),
  },
  {
    path: "/guest_user_required/",
    guard: "guestUserRequired",
    methods: ["GET"],
    handler: showUser("guest_user_required"),
  },
  {
    path: "/regular_user_required/",
    guard: "regularUserRequired",
    methods: ["GET"],
    handler: showUser("regular_user_required"),
  },
  {
    // Only registered users who accepted the current terms (GUEST_USER_TERMS_VERSION); guests
    // and anonymous visitors pass, and so does everyone while no terms are configured.
    path: "/terms_required/",
    guard: "termsRequired",
    methods: ["GET"],
    handler: showUser("terms_required"),
  },
];

const MIXIN_ALLOW = "/mixin/allow_guest_user/";

/** The reference's `AllowGuestUserMixin` test view; POST answers as GET (see pages above). */
export class AllowGuestUserView extends AllowGuestUserMixin(View) {
  override async get(request: Request, context: HandlerContext) {
    return userPage("AllowGuestUserMixin", request, context, { postTo: MIXIN_ALLOW });
  }

  override async post(request: Request, context: HandlerContext) {
    await readPosted(request);
    return this.get(request, context);
  }
}

/** The reference's `GuestUserRequiredMixin` test view (default URLs). */
export class GuestUserRequiredView extends GuestUserRequiredMixin(View) {
  override async get(request: Request, context: HandlerContext) {
    return userPage("GuestUserRequiredMixin", request, context);
  }
}

/** The reference's `RegularUserRequiredMixin` test view (default URLs). */
export class RegularUserRequiredView extends RegularUserRequiredMixin(View) {
  override async get(request: Request, context: HandlerContext) {
    return userPage("RegularUserRequiredMixin", request, context);
  }
}

/**
 * The class-based views: each adapter mounts them with `mount(View.asView())` for every
 * method (the view answers 405 itself). `body: true`: the view takes POSTed forms (Express
 * parses them first, as for the guarded POST pages).
 */
export const viewPages: readonly {
  readonly path: string;
  readonly handler: WebHandler;
  readonly body?: boolean;
}[] = [
  { path: MIXIN_ALLOW, handler: AllowGuestUserView.asView(), body: true },
  { path: "/mixin/guest_user_required/", handler: GuestUserRequiredView.asView() },
  { path: "/mixin/regular_user_required/", handler: RegularUserRequiredView.asView() },
];

/** Where the terms of `GUEST_USER_TERMS_VERSION` are published. */
export const TERMS_URL = "/terms/";

/** The terms of service the accept page links to. */
async function termsPage(request: Request, { http }: HandlerContext): Promise<Response> {
  const terms = http.guestUsers.settings.terms;
  if (!terms) return new Response("Not Found", { status: 404 });
  if (wantsJson(request)) return Response.json({ version: terms.version });
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Terms of service</title></head><body><h1>Terms of service, version ${escapeHtml(terms.version)}</h1><p>Be kind.</p></body></html>`,
    { headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

/**
 * Pages without a guard of the library: the home page. (The profile, `/accounts/profile/`, is
 * the library's account page, mounted with the other account views.)
 */
export const plainPages: readonly { readonly path: string; readonly handler: WebHandler }[] = [
  { path: "/", handler: showUser("guest-user reference app") },
  { path: TERMS_URL, handler: termsPage },
];

/** What every app-*.ts start function returns. */
export interface RunningApp {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  close(): Promise<void>;
}

/** Where an app listens, and which proxies in front of it it believes. */
export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  /**
   * `GUEST_USER_TRUST_PROXY`: a hop count or addresses/CIDRs/proxy-addr names; unset:
   * `X-Forwarded-For` is ignored (the client is the socket's peer).
   */
  readonly trustProxy?: TrustProxyConfig | undefined;
  /** The admin and OpenID Connect provider to mount (operations.ts). */
  readonly operations: OperationsConfig;
  /** `GUEST_USER_QUOTA`: the quota route to mount (quota.ts); unset: none. */
  readonly quota?: QuotaConfig | undefined;
  /** The owned tables' pages to mount (owned-data.ts); none when absent. */
  readonly ownedData?: OwnedDataConfig;
}

/** The URL of a bound address (IPv6 in brackets). */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
