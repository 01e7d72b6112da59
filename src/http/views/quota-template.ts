import type { User } from "../../core/model/types.ts";
import { escapeHtml } from "./html.ts";

/** What {@link QuotaTemplates.quotaExceeded} gets: the page of a 429 from the `quota()` guard. */
export interface QuotaPageContext {
  /** The quota's name (`"ai"`). */
  readonly name: string;
  /** Units per window for this user. */
  readonly limit: number;
  /** When the count starts again, ISO 8601. */
  readonly resetAt: string | null;
  /** Seconds until then (the `Retry-After`). */
  readonly retryAfterSeconds: number;
  /** The convert page with `next` for a guest; null for a registered user. */
  readonly upgradeUrl: string | null;
  /** Who is signed in. */
  readonly user: User | null;
}

/** The quota templates (override them like the others, through `templates`). */
export interface QuotaTemplates {
  /** The 429 page of the `quota()` guard: what was used up, and for a guest the way to convert. */
  quotaExceeded(context: QuotaPageContext): string;
}

/** "12 seconds", "1 minute", "3 hours": how long to wait, rounded up. */
function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

/** The built-in quota page. */
export const quotaTemplates: QuotaTemplates = {
  quotaExceeded: ({ name, limit, retryAfterSeconds, upgradeUrl }) => {
    const used = `You have used all ${escapeHtml(limit)} of your “${escapeHtml(name)}” allowance for now.`;
    const wait = `It starts again in ${escapeHtml(waitText(Math.max(1, retryAfterSeconds)))}.`;
    const offer = upgradeUrl
      ? `<p>Create a free account to get more: you keep everything you have done so far.</p>
<p><a class="button" href="${escapeHtml(upgradeUrl)}">Create an account</a></p>`
      : "";
    return `<h1>Limit reached</h1>
<p>${used} ${wait}</p>
${offer}`;
  },
};
