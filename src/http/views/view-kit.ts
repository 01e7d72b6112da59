import * as v from "valibot";
import type { Settings } from "../../core/config/settings.ts";
import { accepted, type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { integerFrom, someOf } from "../../shared/option-values.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { RequestState } from "../request.ts";
import { MAX_BODY_BYTES } from "./body.ts";
import { defaultTemplates, resolveTemplates, type Templates } from "./templates.ts";

/** Options of `accountViews()` and of each view factory. */
export interface AccountViewsOptions {
  /**
   * Where the logout view is mounted (POST only).
   * @default "/accounts/logout/"
   * @example "/logout/"
   */
  readonly logoutPath?: string;
  /**
   * Where the sign-up view is mounted.
   * @default "/accounts/signup/"
   * @example "/register/"
   */
  readonly signupPath?: string;
  /**
   * Where the terms-of-service accept page is mounted (only when the `terms` option is set);
   * `termsRequired()` redirects there, so give it the same `acceptUrl`.
   * @default "/accounts/terms/"
   * @example "/legal/accept/"
   */
  readonly termsPath?: string;
  /**
   * Where API clients (SPA, mobile) POST to start as a guest: JSON only.
   * @default "/accounts/guest/"
   */
  readonly guestPath?: string;
  /**
   * Where the account page is mounted: who you are, log out, save or delete the account.
   * The default `loginRedirectUrl` points here.
   * @default "/accounts/profile/"
   * @example "/me/"
   */
  readonly profilePath?: string;
  /**
   * Where the self-service deletion is mounted (GET: the confirmation page; POST: delete).
   * @default "/accounts/delete/"
   * @example "/me/delete/"
   */
  readonly deletePath?: string;
  /**
   * Where "continue on another device" is mounted: POST (+ CSRF) makes a one-time link for the
   * signed-in user; the link opens this path with `?token=` (GET: a confirm page; POST:
   * confirm, this device gets its own session).
   * @default "/accounts/continue/"
   * @example "/me/continue/"
   */
  readonly continuePath?: string;
  /**
   * Where "Download my data" is mounted (GET: the user's `exportUser()` as a JSON attachment).
   * @default "/accounts/export/"
   * @example "/me/data/"
   */
  readonly exportPath?: string;
  /**
   * How recent, in seconds, the sign-in of an account without a password (made through a
   * social identity) must be for it to delete itself at `deletePath` by confirming: it has no
   * password to confirm with, so a session older than this is asked to sign in again first
   * (with its provider, linked when `oauthViews()` are mounted).
   * @default 600 (10 minutes)
   * @example recentSignInSeconds: 300
   */
  readonly recentSignInSeconds?: number;
  /**
   * Templates replacing the built-in ones; the others stay.
   * @default {} (all built-in)
   * @example { layout: ({ title, body }) => myShell(title, body) }
   */
  readonly templates?: Partial<Templates>;
  /**
   * The largest POST body read, in bytes; bigger ones get 413.
   * @default 65536
   */
  readonly maxBodyBytes?: number;
}

/** Where a view is mounted: one leading "/", no space, query or fragment. */
const viewPath = (fallback: string) =>
  v.optional(
    accepted<string>(
      (value) => typeof value === "string" && /^\/(?![/\\])[^\s?#]*$/.test(value),
      `a path starting with "/", such as "${fallback}"`,
    ),
    fallback,
  );

/** A whole number of at least 1, `fallback` when absent. */
const positive = (expected: string, fallback: number) =>
  v.optional(integerFrom(1, Number.POSITIVE_INFINITY, expected), fallback);

/** The schema of {@link AccountViewsOptions} (the template names included). */
export const ACCOUNT_VIEWS = optionBag({
  logoutPath: viewPath("/accounts/logout/"),
  signupPath: viewPath("/accounts/signup/"),
  termsPath: viewPath("/accounts/terms/"),
  guestPath: viewPath("/accounts/guest/"),
  profilePath: viewPath("/accounts/profile/"),
  deletePath: viewPath("/accounts/delete/"),
  continuePath: viewPath("/accounts/continue/"),
  exportPath: viewPath("/accounts/export/"), // issue 20: "Download my data"
  recentSignInSeconds: positive("a positive whole number of seconds, such as 600", 600),
  templates: v.optional(someOf(defaultTemplates), {}),
  maxBodyBytes: positive("a positive whole number of bytes", MAX_BODY_BYTES),
} satisfies EntriesOf<AccountViewsOptions>);

/** Everything the views share, built once by `accountViews()`: the options, defaults filled in. */
export interface ViewKit extends Omit<v.InferOutput<typeof ACCOUNT_VIEWS>, "templates"> {
  readonly http: GuestUserHttp;
  readonly settings: Settings;
  readonly templates: Templates;
}

/** One request as a view sees it. */
export interface Exchange {
  readonly kit: ViewKit;
  readonly request: Request;
  readonly state: RequestState;
  readonly url: URL;
  /** True when the answer is JSON (the client prefers it, or sent a JSON body). */
  readonly json: boolean;
}

/** A view's code for one method. */
export type ExchangeHandler = (exchange: Exchange) => Promise<Response>;

/** Checks the options (a bad one throws `INVALID_CONFIG`, naming it) and fills in defaults. */
export function createViewKit(http: GuestUserHttp, options: AccountViewsOptions = {}): ViewKit {
  const { templates, ...rest } = parseOptions(ACCOUNT_VIEWS, options, "accountViews()");
  return {
    ...rest,
    http,
    settings: http.guestUsers.settings,
    templates: resolveTemplates(templates),
  };
}

/**
 * The route path of a configured URL: `/convert/?a=1` and `https://example.com/convert/`
 * both mount at `/convert/`.
 */
export function pathOf(url: string): string {
  return new URL(url, "http://localhost").pathname;
}
