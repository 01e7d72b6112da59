import { InvalidConfigError } from "../shared/errors.ts";
import type { DeletionHooks } from "../store/dialect.ts";
import type { Expiry, GuestRecord } from "../store/guest-store.ts";
import { type Context, withDatabase } from "./context.ts";
import { runBeforeDelete } from "./deletion.ts";
import { expiryCutoff } from "./expiry.ts";
import type { UserId } from "./types.ts";

/** Progress of a clean-up, reported after every batch. */
export interface CleanupProgress {
  /** Users deleted so far. */
  readonly deleted: number;
  /** Expired guests counted when the run started (others may be deleting too). */
  readonly total: number;
}

/** Options of {@link deleteExpired}. */
export interface DeleteExpiredOptions {
  /** Users deleted per statement (at most 50,000). @default 1000 */
  readonly batchSize?: number;
  /** Count only; delete nothing. @default false */
  readonly dryRun?: boolean;
  /** Override the configured `maxAge` (seconds) for this run. @default settings.maxAge */
  readonly maxAge?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: CleanupProgress) => void;
}

/** What a clean-up did. */
export interface DeleteExpiredResult {
  /** Users deleted (0 in a dry run). */
  readonly deleted: number;
  /** Expired guests found when the run started. */
  readonly expired: number;
  /** Expired session rows deleted (0 in a dry run). */
  readonly sessionsDeleted: number;
  readonly dryRun: boolean;
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidConfigError(option, `expected a positive integer, got ${value}`);
  return value;
}

/**
 * What every guest deletion does inside its transaction besides the DELETE: the app's
 * `beforeDelete` (when set) with the ids, and the funnel's `deleted` counter bumped by the
 * number actually deleted. Clean-up batches and the admin's actions share it.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) => deleteGuestUsers(trx, quirks, tables, ids, guestDeletionHooks(context)));
 * ```
 */
export function guestDeletionHooks(context: Context): DeletionHooks {
  return {
    beforeDelete: context.settings.beforeDelete
      ? (userIds, trx) => runBeforeDelete(context, trx, userIds)
      : null,
    afterDelete: (deleted) =>
      context.funnel.bumpQuery("deleted", deleted, context.settings.clock()),
  };
}

/** Expired guests: listing, counting and deleting, in constant memory. */
export function cleanupManager(context: Context) {
  const { db, quirks, settings, guests, sessions } = context;
  const hooks = guestDeletionHooks(context);
  const expiry = (maxAge: number | undefined): Expiry => expiryCutoff(settings, maxAge);

  return {
    /**
     * Every expired guest, read page by page (constant memory however many there are).
     * @example
     * ```ts
     * for await (const guest of guestUsers.filterExpired()) console.log(guest.userId);
     * ```
     */
    async *filterExpired(
      options: { readonly maxAge?: number; readonly pageSize?: number } = {},
    ): AsyncGenerator<GuestRecord> {
      const limits = expiry(options.maxAge);
      const pageSize = positiveInteger("pageSize", options.pageSize, 500);
      let after: UserId | null = null;
      for (;;) {
        const page: GuestRecord[] = await withDatabase(context, () =>
          guests.listExpired(db, limits, after, pageSize),
        );
        yield* page;
        if (page.length < pageSize) return;
        after = (page.at(-1) as GuestRecord).userId;
      }
    },

    /**
     * The number of guests and of expired guests.
     * @example
     * ```ts
     * const { guests, expired } = await guestUsers.stats();
     * ```
     */
    stats: (options: { readonly maxAge?: number } = {}) =>
      withDatabase(context, () => guests.count(db, expiry(options.maxAge))),

    /**
     * Deletes expired guests' USERS in batches (their guest rows, sessions and every app row
     * with ON DELETE CASCADE go too), one transaction per batch, never one statement per
     * user. Each batch runs the `beforeDelete` option with its ids (a throw rolls that batch
     * back and reaches you; earlier batches stay deleted) and adds exactly the number it
     * deleted to the funnel's `deleted` counter. Safe to run from several servers at once; a
     * guest that converts meanwhile is never deleted; a registered user never is.
     * @example
     * ```ts
     * const { deleted } = await guestUsers.deleteExpired({ batchSize: 5000 });
     * ```
     */
    async deleteExpired(options: DeleteExpiredOptions = {}): Promise<DeleteExpiredResult> {
      const batchSize = positiveInteger("batchSize", options.batchSize, 1000);
      const limits = expiry(options.maxAge);
      return withDatabase(context, async () => {
        const { expired } = await guests.count(db, limits);
        if (options.dryRun) return { deleted: 0, expired, sessionsDeleted: 0, dryRun: true };
        let deleted = 0;
        for (;;) {
          const batch = await quirks.deleteExpiredBatch(db, {
            tables: settings.tables,
            ...limits,
            limit: batchSize,
            ...hooks,
          });
          deleted += batch;
          // The batch's sessions went by cascade, ids unknown here: every server's cache drops all.
          if (batch > 0) await context.sessionCache?.revoke(db, { everything: true });
          context.metrics.deleted(batch, "cleanup");
          if (batch > 0) options.onProgress?.({ deleted, total: Math.max(expired, deleted) });
          if (batch === 0) break;
          // Let the event loop breathe between batches: better-sqlite3 is synchronous, and a
          // web server running the clean-up in-process must keep answering.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const sessionsDeleted = await sessions.deleteExpired(db, settings.clock());
        return { deleted, expired, sessionsDeleted, dryRun: false };
      });
    },
  };
}
