import type { User } from "../../core/model/types.ts";
import type { FieldErrors } from "../../shared/errors.ts";
import { csrfInput } from "../csrf.ts";
import { type ContinueLinkView, continueSection } from "./continue-templates.ts";
import { errorList, escapeHtml, formatDate, formHead } from "./html.ts";
import type { TermsFormContext } from "./terms-template.ts";

/** Where the account page's buttons and links lead. */
export interface ProfileLinks {
  /** The log-out view (POST). */
  readonly logout: string;
  /** The convert page ("save your account"), for guests. */
  readonly convert: string;
  /** The self-service deletion (GET: confirmation page; POST: delete). */
  readonly delete: string;
  /** The continue view: POST makes a "continue on another device" link. */
  readonly continue: string;
  /** "Download my data" (GET: a JSON attachment); absent: no link. */
  readonly export?: string;
}

/** What {@link ProfileTemplates.profilePage} gets: the account page. */
export interface ProfileContext {
  /** Who is signed in (guest or registered). */
  readonly user: User;
  /** For a guest: when it expires and may be deleted (milliseconds since the epoch); else null. */
  readonly expiresAt: number | null;
  /** The value of the hidden `csrf_token` input of the log-out and delete forms. */
  readonly csrfToken: string;
  readonly links: ProfileLinks;
  /**
   * True when the user has a password: the account page's delete form asks for it. A
   * registered user without one (made through a social identity) gets a link to the delete
   * page instead; a guest, its own link.
   */
  readonly hasPassword: boolean;
  /** The continue link just made (after "Make a link"), shown with its QR code; else null. */
  readonly continueLink?: ContinueLinkView | null;
}

/** A link to sign in again with one provider. */
export interface SignInLink {
  /** The provider's name, as identities record it (`"github"`). */
  readonly provider: string;
  /** Its name for people (`"GitHub"`). */
  readonly label: string;
  /** Its sign-in, coming back to the delete page: `/accounts/oauth/github/start/?next=/accounts/delete/`. */
  readonly url: string;
}

/** How an account without a password signs in again before it may delete itself. */
export interface SignInAgain {
  /** How recent the sign-in must be, in minutes (the views' `recentSignInSeconds`, rounded up). */
  readonly withinMinutes: number;
  /** The sign-in of each of the account's providers that `oauthViews()` mounted; may be empty. */
  readonly links: readonly SignInLink[];
}

/**
 * What a user without a password is told when its sign-in is not recent enough to delete
 * the account (the page, and the JSON `message`).
 *
 * @example
 * ```ts
 * signInAgainMessage({ withinMinutes: 10, links: [] });
 * ```
 */
export function signInAgainMessage({ withinMinutes, links }: SignInAgain): string {
  const minutes = withinMinutes === 1 ? "minute" : `${withinMinutes} minutes`;
  const how =
    links.length > 0
      ? `Sign in again with ${links.map((link) => link.label).join(" or ")}`
      : "Log out and sign in again the way you signed up";
  return `Your account has no password, so deleting it needs a sign-in within the last ${minutes}. ${how}, then delete it. Nothing was deleted.`;
}

/** What {@link ProfileTemplates.deleteConfirm} gets: the "delete my account" confirmation. */
export interface DeleteContext extends Pick<TermsFormContext, "csrfToken" | "next" | "action"> {
  /** Who is about to be deleted. */
  readonly user: User;
  /**
   * True for users with a password: they confirm with it. Guests and accounts made through a
   * social identity have none: they confirm with the button alone (CSRF-checked).
   */
  readonly needsPassword: boolean;
  /**
   * For an account without a password whose sign-in is older than `recentSignInSeconds`: how
   * to sign in again (show it instead of the form: its POST would be refused). Else null.
   */
  readonly signInAgain: SignInAgain | null;
  /** Messages per field after a refused POST (`password`, or `""` for the whole form). */
  readonly errors: FieldErrors;
  /** Where "Cancel" leads: the account page. */
  readonly cancelUrl: string;
}

/** The account page's templates (part of `Templates`; replace them the same way). */
export interface ProfileTemplates {
  profilePage(context: ProfileContext): string;
  deleteConfirm(context: DeleteContext): string;
}

/** The password input that confirms a registered user's deletion. */
function passwordField(errors: FieldErrors): string {
  const messages = errors.password;
  const invalid = messages?.length
    ? ' aria-invalid="true" aria-describedby="id_delete_password_errors"'
    : "";
  return `<p>
<label for="id_delete_password">Your password</label>
<input id="id_delete_password" name="password" type="password" autocomplete="current-password" required${invalid}>
${errorList(messages, "id_delete_password_errors")}</p>`;
}

/** The delete form: password for registered users, a plain confirmation for guests. */
function deleteForm(
  context: Pick<DeleteContext, "needsPassword" | "errors" | "csrfToken" | "next" | "action">,
): string {
  return `<form method="post" action="${escapeHtml(context.action)}" class="delete">
${formHead(context, ["password"], "id_delete_errors")}
${context.needsPassword ? passwordField(context.errors) : ""}
<button type="submit" class="danger">Delete my account</button>
</form>`;
}

/** Instead of the delete form: why the account must sign in again, and where. */
function signInAgainNotice(signInAgain: SignInAgain): string {
  const links = signInAgain.links
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.url)}">Sign in again with ${escapeHtml(link.label)}</a></li>`,
    )
    .join("");
  return `<p class="notice" role="alert">${escapeHtml(signInAgainMessage(signInAgain))}</p>${
    links ? `\n<ul class="sign-in-again">${links}</ul>` : ""
  }`;
}

/** The built-in account page and deletion confirmation. */
export const profileTemplates: ProfileTemplates = {
  profilePage: ({ user, expiresAt, csrfToken, links, hasPassword, continueLink }) => {
    const created =
      user.createdAt === null ? "" : `\n<dt>Created</dt><dd>${formatDate(user.createdAt)}</dd>`;
    const kind = user.isGuest ? "Guest (temporary)" : "Registered";
    const guest = user.isGuest
      ? `<h2>Keep your work</h2>
<p>This is a temporary guest account${expiresAt === null ? "" : `: it is kept until ${formatDate(expiresAt)}, then deleted with everything in it`}.</p>
<p><a href="${escapeHtml(links.convert)}">Save your account</a> (choose a username and a password) to keep it.</p>
<p><a href="${escapeHtml(links.delete)}">Delete this guest account now</a></p>`
      : `<h2>Delete my account</h2>
<p>This deletes your account and everything in it at once. It cannot be undone.</p>
${
  hasPassword
    ? deleteForm({ needsPassword: true, errors: {}, csrfToken, next: null, action: links.delete })
    : `<p><a href="${escapeHtml(links.delete)}">Delete my account</a></p>`
}`;
    return `<h1>Your account</h1>
<dl>
<dt>Username</dt><dd><strong>${escapeHtml(user.username)}</strong></dd>
<dt>Account</dt><dd>${kind}</dd>${created}
</dl>
<form method="post" action="${escapeHtml(links.logout)}">
${csrfInput(csrfToken)}
<button type="submit">Log out</button>
</form>${links.export ? `\n<p><a href="${escapeHtml(links.export)}" download>Download my data</a></p>` : ""}
${continueSection(links.continue, csrfToken, continueLink)}
${guest}`;
  },

  deleteConfirm: (context) => {
    const name = `<strong>${escapeHtml(context.user.username)}</strong>`;
    const what = context.user.isGuest
      ? `This deletes the guest account ${name} and everything you did with it. It cannot be undone.`
      : `This deletes the account ${name} and everything in it. It cannot be undone.${context.needsPassword ? " Enter your password to confirm." : ""}`;
    return `<h1>Delete your account?</h1>
<p>${what}</p>
${context.signInAgain ? signInAgainNotice(context.signInAgain) : deleteForm(context)}
<p><a href="${escapeHtml(context.cancelUrl)}">Cancel</a></p>`;
  },
};
