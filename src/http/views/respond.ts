import type { FormField } from "../../core/model/types.ts";
import type { Session } from "../../core/operations/sessions.ts";
import {
  BodyError,
  GuestUserError,
  InvalidConfigError,
  InvalidInputError,
  ValidationError,
} from "../../shared/errors.ts";
import { userJson } from "../request.ts";
import { withNext } from "../safe-next.ts";
import type { Templates } from "./templates.ts";
import type { Exchange } from "./view-kit.ts";

export const redirect = (location: string) =>
  new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });

/** A JSON answer (never cached: it may carry a user or a token). */
export function jsonResponse(status: number, data: unknown, headers: HeadersInit = {}): Response {
  const response = Response.json(data, { status, headers });
  response.headers.set("cache-control", "no-store");
  return response;
}

/**
 * An HTML page: the body wrapped in the layout, which gets the user, a CSRF token and the
 * log-out and account URLs (so it can show a log-out button).
 */
export function pageResponse(
  exchange: Exchange,
  status: number,
  title: string,
  body: string,
  headers: HeadersInit = {},
): Response {
  const { kit, request, state } = exchange;
  const html = kit.templates.layout({
    title,
    body,
    user: state.user,
    csrfToken: kit.http.csrfToken(request, state),
    logoutUrl: kit.logoutPath,
    profileUrl: kit.profilePath,
  });
  const response = new Response(html, { status, headers });
  response.headers.set("content-type", "text/html; charset=utf-8");
  response.headers.set("cache-control", "no-store");
  return response;
}

/** Why a visitor is sent elsewhere instead of seeing the page (JSON clients get the status). */
export interface Refusal {
  readonly status: 401 | 403 | 409;
  readonly code: string;
  readonly message: string;
}

/** HTML: 302 to `location`. JSON: the refusal's status with `{ error, redirect, user }`. */
export function redirectAnswer(exchange: Exchange, location: string, refusal: Refusal): Response {
  if (!exchange.json) return redirect(location);
  const { status, code, message } = refusal;
  const { user, expiresAt } = exchange.state;
  const error = { code, message };
  return jsonResponse(status, { error, redirect: location, ...userJson(user, expiresAt) });
}

/**
 * A successful POST. HTML: 302 to `location`. JSON: 200 `{ user, redirect }`, plus `token`
 * and `expiresAt` of the new session (an ISO string, as every time in our JSON) when the
 * client authenticates by bearer token (a cookie client got the cookie instead).
 */
export function successAnswer(exchange: Exchange, location: string, session?: Session): Response {
  if (!exchange.json) return redirect(location);
  const token =
    session && exchange.state.via === "bearer"
      ? { token: session.token, expiresAt: new Date(session.expiresAt).toISOString() }
      : {};
  const { user, expiresAt } = exchange.state;
  return jsonResponse(200, { ...userJson(user, expiresAt), redirect: location, ...token });
}

/**
 * The CSRF token of a JSON answer: null for a bearer client, which needs none (nor its
 * cookie): it carries no ambient credential.
 */
export const jsonCsrfToken = ({ kit, request, state }: Exchange) =>
  state.via === "bearer" ? null : kit.http.csrfToken(request, state);

/** What a form page shows. */
export interface FormPage {
  readonly template: keyof Pick<Templates, "convertForm" | "loginForm" | "signupForm">;
  readonly title: string;
  /** The inputs; `undefined` when a custom convert form declares none. */
  readonly fields: readonly FormField[] | undefined;
  readonly values?: Readonly<Record<string, string>>;
  /** Present after an invalid POST. */
  readonly errors?: ValidationError["fieldErrors"];
  /**
   * Why the POST itself was refused (`INVALID_INPUT`: a value no database can store): the
   * page answers 400, and the JSON answer carries it as `error` beside `errors`.
   */
  readonly refused?: { readonly code: string; readonly message: string };
  readonly next: string | null;
}

/**
 * A form (GET) or the form again with its errors (invalid POST). HTML: 200 with the page.
 * JSON: GET gives `{ user, csrfToken, fields }` (plus `terms: { version, url }` when the form
 * requires `accept_terms`); an invalid POST gives 400 `{ errors }`, plus `error: { code,
 * message }` when it was refused as `INVALID_INPUT` (the HTML page then answers 400 too).
 */
export function formAnswer(exchange: Exchange, page: FormPage): Response {
  const { http, templates, settings, signupPath } = exchange.kit;
  const { request, state } = exchange;
  // Convert and sign-up ask to accept the terms, when the `terms` option is set.
  const terms = page.template === "loginForm" ? null : settings.terms;
  if (exchange.json && page.errors)
    return jsonResponse(400, { ...(page.refused && { error: page.refused }), errors: page.errors });
  if (exchange.json) {
    const fields = (page.fields ?? []).map((field) => ({ ...field, type: field.type ?? "text" }));
    return jsonResponse(200, {
      ...userJson(state.user, state.expiresAt),
      csrfToken: jsonCsrfToken(exchange),
      fields,
      ...(terms && { terms }),
    });
  }
  if (!page.fields) {
    throw new InvalidConfigError(
      "convertForm.fields",
      "the HTML views need the inputs of a custom convert form: add `fields: [{ name, label, type, autocomplete }]` to it, or use JSON.",
    );
  }
  const link = (target: string) => (page.next ? withNext(target, "next", page.next) : target);
  const body = templates[page.template]({
    fields: page.fields,
    values: page.values ?? {},
    errors: page.errors ?? {},
    csrfToken: http.csrfToken(request, state),
    next: page.next,
    action: exchange.url.pathname,
    links: {
      login: link(settings.loginUrl),
      signup: link(signupPath),
      convert: link(settings.convertUrl),
    },
    terms,
    user: state.user,
    mergesOnLogin:
      http.guestUsers.hasListeners("merged") ||
      http.guestUsers.settings.ownership.tables.length > 0,
  });
  return pageResponse(exchange, page.refused ? 400 : 200, page.title, body);
}

function failure(
  exchange: Exchange,
  status: number,
  code: string,
  title: string,
  message: string,
  headers: HeadersInit = {},
): Response {
  if (exchange.json) return jsonResponse(status, { error: { code, message } }, headers);
  const { user } = exchange.state;
  const csrfToken = exchange.kit.http.csrfToken(exchange.request, exchange.state);
  const body = exchange.kit.templates.errorPage({ status, title, message, user, csrfToken });
  return pageResponse(exchange, status, title, body, headers);
}

export function methodNotAllowed(exchange: Exchange, allowed: readonly string[]): Response {
  const allow = allowed.join(", ");
  const message = `This address accepts ${allow} only.`;
  return failure(exchange, 405, "METHOD_NOT_ALLOWED", "Method not allowed", message, { allow });
}

/** "12 seconds", "1 minute", "15 minutes": how long to wait, rounded up. */
function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/**
 * 429 with `Retry-After` (whole seconds): too many attempts from this client. HTML: the error
 * page; JSON: `{ error: { code: "TOO_MANY_REQUESTS", message } }`. The same for every
 * username, existing or not.
 */
export function tooManyRequests(exchange: Exchange, retryAfterSeconds: number): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const message = `Too many attempts. Please try again in ${waitText(seconds)}.`;
  const headers = { "retry-after": String(seconds) };
  return failure(exchange, 429, "TOO_MANY_REQUESTS", "Too many attempts", message, headers);
}

/**
 * 410 Gone for a continue link that cannot be used (used, expired, ended, unknown). HTML: the
 * error page saying so; JSON: `{ error: { code: "LINK_EXPIRED", message } }`.
 */
export function linkExpired(exchange: Exchange): Response {
  const message =
    "This link has expired or was already used. Ask for a new one on the device you started on.";
  return failure(exchange, 410, "LINK_EXPIRED", "Link expired", message, {
    "referrer-policy": "no-referrer",
  });
}

const BODY_TITLES: Readonly<Record<number, string>> = {
  413: "Request too large",
  415: "Unsupported form encoding",
};

/**
 * Maps a throw to an answer without leaking internals: body problems 400/413/415,
 * `CSRF_FAILED` 403, `INVALID_INPUT` and `VALIDATION_FAILED` 400, `NOT_GUEST` (a conversion raced) a redirect
 * (JSON 409), `DATABASE_UNAVAILABLE` 503, anything else 500. Server-side failures are
 * logged to `settings.logger.error`.
 */
export function errorResponse(exchange: Exchange, error: unknown): Response {
  const { settings } = exchange.kit;
  if (error instanceof BodyError) {
    const title = BODY_TITLES[error.status] ?? "Bad request";
    return failure(exchange, error.status, error.code, title, error.message);
  }
  const code = error instanceof GuestUserError ? error.code : null;
  if (code === "CSRF_FAILED") {
    const message = exchange.json
      ? "CSRF check failed: send the csrf_token from the form (field or X-CSRF-Token header), make a same-origin request, or authenticate with a bearer token."
      : "This form has expired or was not sent from this site. Go back, reload the page and try again.";
    return failure(exchange, 403, code, "Forbidden", message);
  }
  if (error instanceof InvalidInputError) {
    const { message, fieldErrors: errors } = error;
    if (exchange.json) return jsonResponse(400, { error: { code, message }, errors });
    return failure(exchange, 400, error.code, "Bad request", error.message);
  }
  if (error instanceof ValidationError && exchange.json) {
    return jsonResponse(400, { errors: error.fieldErrors });
  }
  if (code === "VALIDATION_FAILED")
    return failure(exchange, 400, code, "Bad request", "The form did not validate.");
  if (code === "LINK_EXPIRED") return linkExpired(exchange);
  if (code === "NOT_GUEST") {
    return redirectAnswer(exchange, settings.loginRedirectUrl, {
      status: 409,
      code,
      message: "This account is no longer a guest account.",
    });
  }
  const method = exchange.request.method;
  settings.logger.error(`guest-user: ${method} ${exchange.url.pathname} failed`, error);
  if (code === "DATABASE_UNAVAILABLE") {
    const message = "The service is temporarily unavailable. Please try again in a moment.";
    return failure(exchange, 503, code, "Service unavailable", message, { "retry-after": "30" });
  }
  const message = "Something went wrong on our side. Please try again later.";
  return failure(exchange, 500, "INTERNAL_ERROR", "Server error", message);
}
