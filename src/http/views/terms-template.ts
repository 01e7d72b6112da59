import type { TermsOptions } from "../../core/config/options.ts";
import type { User } from "../../core/model/types.ts";
import type { FieldErrors } from "../../shared/errors.ts";
import { errorList, escapeHtml, formHead } from "./html.ts";

/** The field of the "I accept the terms of service" checkbox, on every form that has one. */
export const ACCEPT_TERMS_FIELD = "accept_terms";

/** What {@link TermsTemplates.termsForm} gets: the accept page. */
export interface TermsFormContext {
  /** The current terms version, e.g. `"2026-11"`. */
  readonly version: string;
  /** Where the terms are published (`terms.url`). */
  readonly url: string;
  /** True when the user already accepted the current version. */
  readonly accepted: boolean;
  /** The version the user accepted before (an older one when the terms changed), or null. */
  readonly acceptedVersion: string | null;
  /** Messages per field after a refused POST (`accept_terms`, or `""` for the whole form). */
  readonly errors: FieldErrors;
  /** The value of the hidden `csrf_token` input. */
  readonly csrfToken: string;
  /** A safe `next` to carry in a hidden input, or null. */
  readonly next: string | null;
  /** Where the form posts. */
  readonly action: string;
  /** Who is signed in (a registered user, or a guest accepting early). */
  readonly user: User;
}

/** The accept page's template (part of `Templates`; replace it the same way). */
export interface TermsTemplates {
  termsForm(context: TermsFormContext): string;
}

/**
 * The "I accept the terms of service (version X)" checkbox, linking to the terms, with its
 * error messages: what the built-in convert, sign-up and accept forms show. Use it in your own
 * templates (`FormContext.terms`) so the POST carries `accept_terms=on`.
 *
 * @example
 * ```ts
 * const box = context.terms ? termsCheckbox(context.terms, context.errors) : "";
 * ```
 */
export function termsCheckbox(terms: TermsOptions, errors: FieldErrors): string {
  const id = `id_${ACCEPT_TERMS_FIELD}`;
  const messages = errors[ACCEPT_TERMS_FIELD];
  const invalid = messages?.length ? ` aria-invalid="true" aria-describedby="${id}_errors"` : "";
  return `<p>
<label for="${id}"><input id="${id}" name="${ACCEPT_TERMS_FIELD}" type="checkbox" value="on" required style="width:auto;margin:0 .5rem 0 0"${invalid}>I accept the <a href="${escapeHtml(terms.url)}" target="_blank" rel="noopener">terms of service</a> (version ${escapeHtml(terms.version)})</label>
${errorList(messages, `${id}_errors`)}</p>`;
}

function intro(context: TermsFormContext): string {
  const link = `<a href="${escapeHtml(context.url)}">terms of service</a>`;
  const version = `<strong>${escapeHtml(context.version)}</strong>`;
  if (context.accepted) return `<p>You have accepted the ${link}, version ${version}.</p>`;
  if (context.acceptedVersion) {
    return `<p>The ${link} have changed since you accepted version ${escapeHtml(context.acceptedVersion)}. Please read version ${version} and accept it to continue.</p>`;
  }
  return `<p>Please read the ${link} (version ${version}) and accept them to continue.</p>`;
}

/** The built-in accept page: the version, a link to the terms, the box and the button. */
export const termsTemplates: TermsTemplates = {
  termsForm: (context) => `<h1>Terms of service</h1>
${intro(context)}
<form method="post" action="${escapeHtml(context.action)}">
${formHead(context, [ACCEPT_TERMS_FIELD], "id_terms_errors")}
<input type="hidden" name="version" value="${escapeHtml(context.version)}">
${termsCheckbox({ version: context.version, url: context.url }, context.errors)}
<button type="submit">I accept</button>
</form>`,
};
