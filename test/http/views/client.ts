import type { GuestUsers } from "../../../src/core/guest-users.ts";
import { createGuestUserHttp, type GuestUserHttp } from "../../../src/http/guest-user-http.ts";
import type { WebRoute } from "../../../src/http/handler.ts";
import type { RequestState } from "../../../src/http/request.ts";
import { type AccountViewsOptions, accountViews } from "../../../src/http/views/index.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";

/** The session cookie's default name. */
export const SESSION = "guest_user_session";
/** A password every validator accepts. */
export const PASSWORD = "Zebra-Quantum-77!";
export const ORIGIN = "http://localhost";

/** What a test request may carry. */
export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  /** A raw body (set the content-type yourself). */
  readonly body?: BodyInit;
}

/**
 * A tiny browser: a cookie jar, the account routes, and `http.resolve` before each handler,
 * as an adapter would do it. Set-Cookie values go back into the jar (Max-Age=0 deletes).
 */
export interface Browser {
  readonly http: GuestUserHttp;
  readonly routes: readonly WebRoute[];
  readonly jar: Map<string, string>;
  /** The state the last request was resolved to (after the handler ran). */
  lastState: RequestState | null;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  get(path: string, options?: RequestOptions): Promise<Response>;
  post(
    path: string,
    form: Readonly<Record<string, string>>,
    options?: RequestOptions,
  ): Promise<Response>;
  postJson(path: string, json: unknown, options?: RequestOptions): Promise<Response>;
  /** GETs a form page and returns the csrf_token of its hidden input. */
  csrf(path: string): Promise<string>;
}

/** Stores Set-Cookie values in a jar. */
export function storeCookies(jar: Map<string, string>, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = header.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}

/** The value of the form's hidden csrf_token input. */
export function csrfOf(html: string): string {
  const match = /name="csrf_token" value="([^"]*)"/.exec(html);
  if (!match?.[1]) throw new Error(`no csrf_token in ${html.slice(0, 200)}`);
  return match[1];
}

export function browser(http: GuestUserHttp, options: AccountViewsOptions = {}): Browser {
  const routes = accountViews(http, options);
  const jar = new Map<string, string>();
  const self: Browser = {
    http,
    routes,
    jar,
    lastState: null,
    async request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      // A browser unless the test says otherwise: no User-Agent never gets a guest.
      if (!headers.has("user-agent")) headers.set("user-agent", BROWSER_USER_AGENT);
      if (jar.size > 0 && !headers.has("cookie")) {
        headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
      }
      let body = options.body;
      if (options.form) {
        headers.set("content-type", "application/x-www-form-urlencoded");
        body = new URLSearchParams({ ...options.form }).toString();
      } else if (options.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(options.json);
      }
      const url = new URL(path, ORIGIN);
      const request = new Request(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const route = routes.find((candidate) => candidate.path === url.pathname);
      if (!route) throw new Error(`no route for ${url.pathname}`);
      const state = await http.resolve(request);
      const response = await route.handler(request, { http, state });
      self.lastState = state;
      storeCookies(jar, response);
      return response;
    },
    get: (path, options) => self.request("GET", path, options),
    post: (path, form, options) => self.request("POST", path, { ...options, form }),
    postJson: (path, json, options) => self.request("POST", path, { ...options, json }),
    async csrf(path) {
      return csrfOf(await (await self.get(path)).text());
    },
  };
  return self;
}

/** A migrated GuestUsers' web layer and a browser on it. */
export function setup(gu: GuestUsers, options: AccountViewsOptions = {}) {
  const http = createGuestUserHttp(gu);
  return { gu, http, client: browser(http, options) };
}

/** Puts a new guest's session into the browser's jar; returns the guest. */
export async function becomeGuest(client: Browser, gu: GuestUsers, username?: string) {
  const { user, session } = await gu.createGuestSession(username ? { username } : {});
  client.jar.set(SESSION, session.token);
  return user;
}

/** Creates a registered user and puts a session of theirs into the jar. */
export async function becomeRegistered(client: Browser, gu: GuestUsers, username: string) {
  const user = await gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });
  client.jar.set(SESSION, (await gu.createSession(user.id)).token);
  return user;
}

/** The convert form's fields for `username`. */
export const convertForm = (username: string, password = PASSWORD) => ({
  username,
  password1: password,
  password2: password,
});

/** A shared secret for the tests' GuestUsers. */
export const SECRET = "x".repeat(40);
