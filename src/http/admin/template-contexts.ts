import type { UserId } from "../../core/model/types.ts";
import type { AdminGuest, GuestFilter } from "../../core/operations/admin.ts";
import type { FunnelDay, FunnelTotals } from "../../core/operations/funnel.ts";

/** Where the admin's pages and actions are (under the prefix). */
export interface AdminPaths {
  /** The guest list, e.g. `/admin/guests/`. */
  readonly list: string;
  /** The funnel, e.g. `/admin/guests/funnel/`. */
  readonly funnel: string;
  /** Deleting the selected guests (POST), e.g. `/admin/guests/delete/`. */
  readonly delete: string;
  /** Deleting every expired guest (POST), e.g. `/admin/guests/delete-expired/`. */
  readonly deleteExpired: string;
}

/** The expiry rule, for texts such as "older than 14 days". */
export interface ExpiryRule {
  /** Seconds. */
  readonly maxAge: number;
  readonly expireBy: "createdAt" | "lastSeenAt";
  /**
   * With a `retention.keepIf` rule: the seconds a kept guest lives, or null (forever);
   * undefined without a rule.
   * @default undefined
   */
  readonly maxAgeIfKept?: number | null;
}

/** What `AdminTemplates.guestList` gets. */
export interface GuestListContext {
  /** This page's guests, newest first. */
  readonly guests: readonly AdminGuest[];
  readonly filter: GuestFilter;
  /** The username prefix searched for ("" for none), as typed. */
  readonly q: string;
  /** The filter tabs' links (keeping the search). */
  readonly filterLinks: Readonly<Record<GuestFilter, string>>;
  /** The next page's link, or null on the last page. */
  readonly nextPage: string | null;
  /** The first page's link when this is a later page, else null. */
  readonly firstPage: string | null;
  /** A message after an action ("Deleted 3 guests."), or null. */
  readonly notice: string | null;
  /** The value of the forms' hidden `csrf_token` input. */
  readonly csrfToken: string;
  readonly paths: AdminPaths;
  readonly expiry: ExpiryRule;
  /** Milliseconds since the epoch, for "3 days ago". */
  readonly now: number;
}

/** What `AdminTemplates.funnel` gets. */
export interface FunnelPageContext {
  /** Every day of the window, oldest first. */
  readonly days: readonly FunnelDay[];
  readonly totals: FunnelTotals;
  readonly paths: AdminPaths;
}

/** What `AdminTemplates.confirmDelete` gets: the step before a deletion. */
export interface ConfirmDeleteContext
  extends Pick<GuestListContext, "csrfToken" | "paths" | "expiry" | "now"> {
  /** `selected`: the guests ticked in the list; `expired`: every expired guest. */
  readonly kind: "selected" | "expired";
  /** Where the confirm form posts (with `confirm=1`). */
  readonly action: string;
  /** `selected`: the guests that will be deleted. */
  readonly guests: readonly AdminGuest[];
  /** `selected`: the ids to post back (hidden inputs): the guests' ids. */
  readonly ids: readonly UserId[];
  /** `selected`: how many posted ids are not guests (registered users, unknown): kept. */
  readonly skipped: number;
  /** `expired`: how many guests are expired now. */
  readonly expiredCount: number;
}
