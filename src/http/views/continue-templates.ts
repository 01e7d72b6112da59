import type { User } from "../../core/model/types.ts";
import { csrfInput } from "../csrf.ts";
import { escapeHtml, formatDate } from "./html.ts";

/** A continue link just made, as the account page shows it. */
export interface ContinueLinkView {
  /** The link itself (absolute), to open on the other device. */
  readonly url: string;
  /** Its QR code: an `<svg>` element, safe to insert as it is (drawn by `uqr`, no user text). */
  readonly svg: string;
  /** When it stops working (milliseconds since the epoch). */
  readonly expiresAt: number;
}

/** What {@link ContinueTemplates.continueConfirm} gets: the page a continue link opens. */
export interface ContinueConfirmContext {
  /** Who this device will be signed in as. */
  readonly user: User;
  /** When the link stops working (milliseconds since the epoch). */
  readonly expiresAt: number;
  /** The value of the hidden `csrf_token` input. */
  readonly csrfToken: string;
  /** The link's token, posted back in the hidden `token` input. */
  readonly token: string;
  /** Where the form posts: the continue view. */
  readonly action: string;
  /** Who is signed in on THIS device now (replaced by confirming), or null. */
  readonly current: User | null;
}

/** The continue pages' templates (part of `Templates`; replace them the same way). */
export interface ContinueTemplates {
  continueConfirm(context: ContinueConfirmContext): string;
}

/**
 * The account page's "Continue on another device" section: the button that makes a link
 * (POST + CSRF to `action`) and, once made, the link and its QR code.
 */
export function continueSection(
  action: string,
  csrfToken: string,
  link: ContinueLinkView | null | undefined,
): string {
  const shown = link
    ? `<div class="continue-link">
<div class="qr" role="img" aria-label="QR code of the link">${link.svg}</div>
<p><a href="${escapeHtml(link.url)}" id="continue-url">${escapeHtml(link.url)}</a></p>
<p><small>Works once, until ${formatDate(link.expiresAt)}. Anyone with it can use your account: do not share it.</small></p>
</div>`
    : "";
  return `<h2>Continue on another device</h2>
<p>Scan the code or open the link on your phone or another computer to use this account there too.</p>
${shown}<form method="post" action="${escapeHtml(action)}" class="continue">
${csrfInput(csrfToken)}
<button type="submit">${link ? "Make a new link" : "Make a link"}</button>
</form>`;
}

/** The built-in continue pages. */
export const continueTemplates: ContinueTemplates = {
  continueConfirm: ({ user, expiresAt, csrfToken, token, action, current }) => {
    const replaces =
      current && current.id !== user.id
        ? `<p>You are signed in here as <strong>${escapeHtml(current.username)}</strong>: continuing signs you out of it on this device.</p>\n`
        : "";
    return `<h1>Continue on this device?</h1>
<p>This signs this device in as <strong>${escapeHtml(user.username)}</strong>${user.isGuest ? " (guest)" : ""}, the account you use on your other device. That device stays signed in.</p>
${replaces}<form method="post" action="${escapeHtml(action)}">
${csrfInput(csrfToken)}
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Continue</button>
</form>
<p><small>The link works once, until ${formatDate(expiresAt)}.</small></p>`;
  },
};
