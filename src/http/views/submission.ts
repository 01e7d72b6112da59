import type { Settings } from "../../core/config/settings.ts";
import type { FormField, User } from "../../core/model/types.ts";
import { GuestUserError, InvalidInputError, ValidationError } from "../../shared/errors.ts";
import { CSRF_FIELD, sameOriginRequest } from "../csrf.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { safeNext } from "../safe-next.ts";
import { type RequestBody, readBody } from "./body.ts";
import { defineView } from "./define-view.ts";
import { type FormPage, formAnswer, successAnswer } from "./respond.ts";
import { credentialAttempt } from "./throttle.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

/** The query or form field carrying the way back. */
export const NEXT_FIELD = "next";

/** A POST body that passed the size, format and CSRF checks. */
export interface Submission {
  /** Every submitted field, as sent. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The fields without `csrf_token` and `next`: what a form schema validates. */
  readonly input: Readonly<Record<string, unknown>>;
  /** The safe redirect target from the body's `next`, else the query's, else null. */
  readonly next: string | null;
}

/** The safe `next` of a GET (the query) or a POST (its field if sent, else the query). */
export function nextOf(
  exchange: Exchange,
  fields?: Readonly<Record<string, unknown>>,
): string | null {
  const raw =
    fields && Object.hasOwn(fields, NEXT_FIELD)
      ? fields[NEXT_FIELD]
      : exchange.url.searchParams.get(NEXT_FIELD);
  return safeNext(raw, exchange.request.url);
}

/**
 * True when a POST may act. A bearer-token request carries no ambient credential, so it
 * needs nothing more. A JSON body is accepted from the same origin (`Sec-Fetch-Site` or
 * `Origin`). Otherwise the `csrf_token` field (or an `X-CSRF-Token` header) must be valid
 * for this browser and session.
 */
function csrfPasses(exchange: Exchange, body: RequestBody): boolean {
  const { request, state } = exchange;
  if (state.via === "bearer") return true;
  if (body.kind === "json" && sameOriginRequest(request)) return true;
  const submitted = Object.hasOwn(body.fields, CSRF_FIELD)
    ? body.fields[CSRF_FIELD]
    : request.headers.get("x-csrf-token");
  return exchange.kit.http.verifyCsrf(request, state, submitted);
}

/**
 * Reads and checks a POST: {@link readBody}'s refusals (413, 400, 415), then 403
 * (`CSRF_FAILED`) without a valid CSRF proof. Nothing has changed when it throws.
 */
export async function readSubmission(exchange: Exchange): Promise<Submission> {
  const body = await readBody(exchange.request, exchange.kit.maxBodyBytes);
  if (!csrfPasses(exchange, body)) {
    throw new GuestUserError(
      "CSRF_FAILED",
      "The CSRF check failed: post the form's csrf_token, send JSON from the same origin, or use a bearer token.",
    );
  }
  const { [CSRF_FIELD]: _csrf, [NEXT_FIELD]: _next, ...input } = body.fields;
  return { fields: body.fields, input, next: nextOf(exchange, body.fields) };
}

/**
 * What a form page shows after its POST failed with `error`: the field errors and the
 * submitted text values (passwords left out), and for an {@link InvalidInputError} the
 * refusal (400, its code in JSON) without the refused value.
 */
function refusedForm(
  error: ValidationError,
  fields: readonly FormField[] | undefined,
  submitted: Readonly<Record<string, unknown>>,
): Pick<FormPage, "errors" | "refused" | "values"> {
  const values: Record<string, string> = {};
  for (const field of fields ?? []) {
    const value = Object.hasOwn(submitted, field.name) ? submitted[field.name] : undefined;
    if (field.type !== "password" && typeof value === "string") values[field.name] = value;
  }
  if (!(error instanceof InvalidInputError)) return { errors: error.fieldErrors, values };
  delete values[error.field];
  const refused = { code: error.code, message: error.message };
  return { errors: error.fieldErrors, refused, values };
}

/** A form view (convert, login, sign-up): who may see it, its page, and what its POST does. */
export interface FormView extends Pick<FormPage, "template" | "title" | "fields"> {
  /** The answer to a visitor who may not use the form, or null. */
  refuse(exchange: Exchange): Response | null;
  /** The values the GET's form starts with. @default none */
  values?(exchange: Exchange): Readonly<Record<string, string>> | undefined;
  /** Checks and saves; a `ValidationError` shows the form again with its messages. */
  act(input: Readonly<Record<string, unknown>>, exchange: Exchange): Promise<User>;
  /** Runs once the attempt counts as a success, before the log-in. @default none */
  succeeded?(user: User, exchange: Exchange): Promise<void>;
  /** Where to go without a safe `next`. */
  readonly defaultNext: string;
  /** The POST's throttle: {@link credentialAttempt}, counting sign-ups for `"signup"`. */
  readonly throttle: "login" | "signup";
}

/**
 * A form view's handler, from its {@link FormView}. GET shows the
 * form; POST, throttled before it acts, answers as `convertView()` describes (the form again
 * with its errors, 400 for `INVALID_INPUT`; else a fresh session and a redirect).
 */
export function formView(
  http: GuestUserHttp,
  options: AccountViewsOptions,
  define: (settings: Settings) => FormView,
): WebHandler {
  const kit = createViewKit(http, options);
  const form = define(kit.settings);
  const { template, title, fields } = form;
  const page = (exchange: Exchange, next: string | null, shown: Partial<FormPage> = {}) =>
    formAnswer(exchange, { template, title, fields, next, ...shown });
  return defineView(kit, {
    refuse: form.refuse,
    GET: async (exchange) => page(exchange, nextOf(exchange), { values: form.values?.(exchange) }),

    async POST(exchange) {
      const submission = await readSubmission(exchange);
      const { username } = submission.input;
      const attempt = await credentialAttempt(exchange, username, form.throttle === "signup");
      if (attempt.refused) return attempt.refused;
      let user: User;
      try {
        user = await form.act(submission.input, exchange);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await attempt.failed();
        return page(exchange, submission.next, refusedForm(error, form.fields, submission.fields));
      }
      await attempt.succeeded();
      await form.succeeded?.(user, exchange);
      const session = await http.logIn(exchange.request, exchange.state, user);
      return successAnswer(exchange, submission.next ?? form.defaultNext, session);
    },
  });
}
