import * as v from "valibot";
import { ValidationError } from "../../shared/errors.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { given } from "../../shared/option-values.ts";
import { checkText, textProblem } from "../../shared/storable-text.ts";
import { adminQueries, type GuestFilter, type ListPosition } from "../../store/admin-store.ts";
import { deleteGuestUsers } from "../../store/expired-batch.ts";
import { ownedTableQueries } from "../../store/owned-tables.ts";
import type { User, UserId } from "../model/types.ts";
import { type Context, toUser, withDatabase } from "../runtime/context.ts";
import { expiryCutoff } from "../runtime/expiry.ts";
import { guestDeletionHooks } from "./cleanup.ts";

export type { GuestFilter } from "../../store/admin-store.ts";

/** One guest as the admin's list shows it. */
export interface AdminGuest {
  readonly id: UserId;
  readonly username: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch of its last request (updated at most once per session refresh). */
  readonly lastSeenAt: number;
  /** True when clean-up may delete it (the retention rule, as `isExpired()`). */
  readonly expired: boolean;
  /** Bytes of its extra JSON data as stored (0 without data). */
  readonly dataSize: number;
  /**
   * How many rows it owns in the `ownership` tables together; null when none are declared.
   * @default null
   */
  readonly ownedRows?: number | null;
}

/** Options of `guestUsers.listGuests()`. */
export interface ListGuestsOptions {
  /** All guests, only the active ones, or only the expired ones. @default "all" */
  readonly filter?: GuestFilter;
  /**
   * A username prefix, compared without regard to case (`"ab"` finds `"AbC12"`); blank for
   * no search. A search lists in username order instead of newest first.
   * @default ""
   * @example "guest-12"
   */
  readonly q?: string | null;
  /** The previous page's `next` cursor (opaque); null or absent on the first page. @default null */
  readonly after?: string | null;
  /** Guests per page, from 1 to 500. @default 50 */
  readonly limit?: number;
}

/** One page of the guest list. */
export interface GuestPage {
  /** Newest first (creation time, then id, both descending); a search's in username order. */
  readonly guests: readonly AdminGuest[];
  /** The cursor of the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

/** Options of `guestUsers.deleteGuests()`. */
export interface DeleteGuestsOptions {
  /** Who deletes, passed on to the `deleted` event. @default "admin" */
  readonly by?: "admin" | "self";
}

/** The keys `deleteGuests()` knows (see `DELETE_EXPIRED_OPTIONS`). */
const DELETE_GUESTS_OPTIONS = optionBag({
  by: v.optional(given<"admin" | "self">()),
} satisfies EntriesOf<DeleteGuestsOptions>);

/** The most guests one page lists. */
export const MAX_PAGE_SIZE = 500;
/** The most ids one `deleteGuests()` or `getGuests()` call takes. */
export const MAX_IDS = 1000;

const FILTERS: readonly GuestFilter[] = ["all", "active", "expired"];

const invalid = (field: string, message: string) => new ValidationError({ [field]: [message] });

/** Encodes a list position as an opaque, URL-safe cursor. */
function encodeCursor(position: ListPosition): string {
  const value =
    "key" in position ? ["k", position.key, position.id] : [position.createdAt, position.id];
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same kind of list (a search's
 * cursors are in username order, the others newest first); `VALIDATION_FAILED` otherwise.
 */
function decodeCursor(cursor: string, idType: "integer" | "string", search: boolean): ListPosition {
  const bad = () =>
    invalid(
      "after",
      "The page cursor is not valid: use the `next` value of the previous page, with the same search.",
    );
  if (!/^[\w-]{1,1400}$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value)) throw bad();
  const id: unknown = value.at(-1);
  if (idType === "integer" ? !Number.isSafeInteger(id) : typeof id !== "string" || textProblem(id))
    throw bad();
  if (search) {
    const [tag, key] = value as unknown[];
    if (value.length !== 3 || tag !== "k" || typeof key !== "string" || textProblem(key))
      throw bad();
    return { key, id: id as UserId };
  }
  const [createdAt] = value as unknown[];
  if (value.length !== 2 || !Number.isSafeInteger(createdAt)) throw bad();
  return { createdAt: createdAt as number, id: id as UserId };
}

/**
 * Checks and de-duplicates user ids from a request (form fields are strings): integers for
 * integer ids, non-empty strings otherwise. `VALIDATION_FAILED` for anything else, or for
 * more than {@link MAX_IDS}; `INVALID_INPUT` for a string id no database can store.
 */
export function userIds(ids: readonly unknown[], idType: "integer" | "string"): UserId[] {
  const unique = new Set<UserId>();
  for (const raw of ids) {
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (idType === "integer") {
      const id = Number(text);
      if (!/^-?\d{1,16}$/.test(text) || !Number.isSafeInteger(id))
        throw invalid("ids", `${JSON.stringify(raw)} is not a user id: ids are whole numbers.`);
      unique.add(id);
    } else {
      checkText("ids", text);
      if (text === "" || text.length > 255)
        throw invalid("ids", `${JSON.stringify(raw)} is not a user id.`);
      unique.add(text);
    }
  }
  if (unique.size > MAX_IDS)
    throw invalid("ids", `At most ${MAX_IDS} ids at once: delete in several steps.`);
  return [...unique];
}

/** The admin's view of the guests: the list, and deleting selected guests. */
export function adminManager(context: Context) {
  const { db, quirks, settings, users, events } = context;
  const queries = adminQueries(settings.tables, quirks);
  const { idType } = settings.tables.users;
  // The `ownership` tables' row counts of a page of guests (issue 20): one query per table.
  const withOwnedRows = async <G extends AdminGuest>(guests: G[]): Promise<G[]> => {
    const owned = settings.ownership.tables;
    if (owned.length === 0 || guests.length === 0) return guests;
    const ids = guests.map((guest) => guest.id);
    const counts = await withDatabase(context, () => ownedTableQueries.countFor(db, owned, ids));
    return guests.map((guest) => ({ ...guest, ownedRows: counts.get(String(guest.id)) ?? 0 }));
  };

  return {
    /**
     * One page of the guests, newest first, optionally only the active or expired ones; with
     * `q` (see {@link ListGuestsOptions.q}) in username order (A to Z, then id): the order of
     * the index that keeps a search fast. Keyset pagination: pass the page's `next` as `after`;
     * rows created meanwhile never shift a page, and the millionth row is as fast to reach as
     * the first. Throws `VALIDATION_FAILED` (naming the option) for a bad filter, limit or
     * cursor, `INVALID_INPUT` (`InvalidInputError`) for a `q` no database can search for.
     * @example
     * ```ts
     * let page = await guestUsers.listGuests({ filter: "expired", limit: 100 });
     * while (page.next) page = await guestUsers.listGuests({ filter: "expired", after: page.next });
     * ```
     */
    async listGuests(options: ListGuestsOptions = {}): Promise<GuestPage> {
      const filter = options.filter ?? "all";
      if (!FILTERS.includes(filter))
        throw invalid("filter", `Expected "all", "active" or "expired", got ${String(filter)}.`);
      const limit = options.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
        throw invalid("limit", `Expected a whole number from 1 to ${MAX_PAGE_SIZE}.`);
      const q = typeof options.q === "string" ? options.q.trim() : "";
      checkText("q", q);
      if (q.length > settings.tables.users.usernameMaxLength)
        throw invalid("q", "The search is longer than any username.");
      const search = q !== "";
      const after = options.after ? decodeCursor(options.after, idType, search) : null;
      const rows = await withDatabase(context, () =>
        queries.list(db, {
          expiry: expiryCutoff(settings),
          filter,
          prefix: search ? q : null,
          after,
          limit: limit + 1,
        }),
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const next =
        rows.length > limit && last
          ? encodeCursor(search ? { key: last.sortKey, id: last.id } : last)
          : null;
      const guests = page.map(({ sortKey: _, ...row }) => row);
      return { guests: await withOwnedRows(guests), next };
    },

    /**
     * The guests among `ids`, newest first: registered users and unknown ids are left out.
     * What a confirmation page lists before `deleteGuests`.
     * @example
     * ```ts
     * const going = await guestUsers.getGuests(["12", "13"]);
     * ```
     */
    async getGuests(ids: readonly unknown[]): Promise<AdminGuest[]> {
      const checked = userIds(ids, idType);
      return withOwnedRows(
        await withDatabase(context, () => queries.find(db, checked, expiryCutoff(settings))),
      );
    },

    /**
     * Deletes the GUESTS among `ids` in ONE transaction (other ids are ignored, never deleted):
     * runs `beforeDelete` with their ids (a throw rolls everything back and reaches you), deletes
     * their users (sessions, guest rows and cascading rows go too), counts them in the funnel's
     * `deleted`, then fires `deleted` (`{ user, by }`) for each after commit. Returns how many
     * were deleted. Throws `VALIDATION_FAILED` for malformed ids or more than 1000 of them.
     * @example
     * ```ts
     * const deleted = await guestUsers.deleteGuests([12, 13], { by: "admin" });
     * ```
     */
    async deleteGuests(ids: readonly unknown[], input: DeleteGuestsOptions = {}) {
      const options = parseOptions(DELETE_GUESTS_OPTIONS, input, "guestUsers.deleteGuests()");
      const checked = userIds(ids, idType);
      if (checked.length === 0) return 0;
      const by = options.by ?? "admin";
      const hooks = guestDeletionHooks(context);
      const deleted: User[] = await withDatabase(context, () =>
        db.transaction().execute(async (trx) => {
          const rows = await queries.lockGuestUsers(trx, checked);
          const count = await deleteGuestUsers(
            trx,
            quirks,
            settings.tables,
            rows.map((row) => row.id),
            hooks,
          );
          // The rows are locked, so every one went, unless beforeDelete removed guest rows
          // itself: then only the users that are gone were deleted.
          const gone: typeof rows = [];
          for (const row of rows)
            if (count === rows.length || !(await users.findById(trx, row.id))) gone.push(row);
          return gone.map((row) => toUser(row, true));
        }),
      );
      // Their sessions went by cascade: drop them from every server's session cache.
      const revoked = { users: deleted.map((user) => user.id) };
      if (deleted.length > 0)
        await withDatabase(context, async () => context.sessionCache?.revoke(db, revoked));
      context.metrics.deleted(deleted.length, by);
      for (const user of deleted) await events.emit("deleted", { user, by });
      return deleted.length;
    },
  };
}
