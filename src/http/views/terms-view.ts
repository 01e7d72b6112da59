import type { Settings } from "../../core/config/settings.ts";
import { validateInput } from "../../core/model/forms/standard-schema.ts";
import type { User } from "../../core/model/types.ts";
import { type FieldErrors, InvalidConfigError, ValidationError } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { userJson } from "../request.ts";
import { defineView } from "./define-view.ts";
import { loginFirst } from "./profile-view.ts";
import { jsonCsrfToken, jsonResponse, pageResponse, successAnswer } from "./respond.ts";
import { nextOf, readSubmission } from "./submission.ts";
import { ACCEPT_TERMS_FIELD } from "./terms-template.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

/** The field error of a convert, sign-up or accept form posted without the box ticked. */
export const MUST_ACCEPT_TERMS = "You must accept the terms of service.";

/** True for what a ticked box sends: `"on"` (an HTML checkbox), `"true"` or `true` (JSON). */
export function acceptsTerms(value: unknown): boolean {
  return value === true || value === "on" || value === "true";
}

/**
 * For the convert and sign-up views: without the `terms` option, the input as is. With it, the
 * input without the ticked box ({@link acceptsTerms}), for the form's schema, and the version
 * to record with the user; without the box, a `ValidationError` with `accept_terms` and the
 * form's own errors (all at once), so nothing is changed.
 */
export async function termsOfSubmission(
  settings: Settings,
  submitted: Readonly<Record<string, unknown>>,
): Promise<{ input: unknown; acceptTerms: string | null }> {
  if (!settings.terms) return { input: submitted, acceptTerms: null };
  const { [ACCEPT_TERMS_FIELD]: box, ...input } = submitted;
  if (acceptsTerms(box)) return { input, acceptTerms: settings.terms.version };
  const result = await validateInput(settings.convertForm.schema, input);
  throw new ValidationError({
    ...(result.ok ? {} : result.fieldErrors),
    [ACCEPT_TERMS_FIELD]: [MUST_ACCEPT_TERMS],
  });
}

/**
 * The terms-of-service accept page, mounted by `accountViews()` at `termsPath` (default
 * `/accounts/terms/`) when the `terms` option is set; `termsRequired()` sends registered users
 * here with `?next=`. GET shows the current version, a link to `terms.url`, an "I accept" box
 * and button (JSON: `{ user, version, url, accepted, csrfToken }`). POST (with a CSRF proof;
 * 403 without) and the box ticked (`accept_terms`, as in `convertView()`) records the
 * acceptance of the current version and redirects to the safe `next` or `loginRedirectUrl`
 * (JSON: `{ accepted: true, version, redirect }`). Without the box, or when the posted
 * `version` is no longer the current one, the page again with the error (JSON: 400
 * `{ errors }`), nothing recorded. Anonymous visitors go to `loginUrl` with `next` (JSON: 401).
 * Guests may accept too (they pass the guard anyway): the acceptance stays when they convert.
 * Throws `INVALID_CONFIG` when the `terms` option is not set.
 *
 * @example
 * ```ts
 * const accept = termsView(http, { termsPath: "/legal/accept/" });
 * ```
 */
export function termsView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  const kit = createViewKit(http, options);
  const { settings } = kit;
  const { terms } = settings;
  if (!terms) {
    throw new InvalidConfigError(
      "terms",
      "the accept page needs terms of service: pass `terms: { version, url }` to createGuestUsers(), or do not mount termsView().",
    );
  }

  /** The page (HTML) or its data (JSON), with errors after a refused POST. */
  const page = async (exchange: Exchange, next: string | null, errors: FieldErrors = {}) => {
    const { request, state } = exchange;
    const user = state.user as User;
    if (exchange.json && Object.keys(errors).length > 0) return jsonResponse(400, { errors });
    const acceptance = await http.guestUsers.termsAcceptance(user);
    const accepted = acceptance?.version === terms.version;
    if (exchange.json) {
      const who = userJson(user, state.expiresAt);
      return jsonResponse(200, { ...who, ...terms, accepted, csrfToken: jsonCsrfToken(exchange) });
    }
    const body = kit.templates.termsForm({
      ...terms,
      accepted,
      acceptedVersion: acceptance?.version ?? null,
      errors,
      csrfToken: http.csrfToken(request, state),
      next,
      action: exchange.url.pathname,
      user,
    });
    return pageResponse(exchange, 200, "Terms of service", body);
  };

  return defineView(kit, {
    refuse: (exchange) => loginFirst(exchange, "Log in to accept the terms of service."),
    GET: (exchange) => page(exchange, nextOf(exchange)),

    async POST(exchange) {
      const submission = await readSubmission(exchange);
      const { version } = submission.fields;
      if (version !== undefined && version !== terms.version) {
        const changed = `The terms of service have changed while you were reading them: read version ${terms.version} and accept it.`;
        return page(exchange, submission.next, { version: [changed] });
      }
      if (!acceptsTerms(submission.fields[ACCEPT_TERMS_FIELD])) {
        return page(exchange, submission.next, { [ACCEPT_TERMS_FIELD]: [MUST_ACCEPT_TERMS] });
      }
      await http.guestUsers.acceptTerms(exchange.state.user as User, terms.version);
      const location = submission.next ?? settings.loginRedirectUrl;
      if (!exchange.json) return successAnswer(exchange, location);
      return jsonResponse(200, { accepted: true, version: terms.version, redirect: location });
    },
  });
}
