import * as v from "valibot";
import { InvalidConfigError } from "../../shared/errors.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { given } from "../../shared/option-values.ts";
import { continueLinkQueries } from "../../store/continue-link-store.ts";
import type { DeletionHooks } from "../../store/dialect.ts";
import type { Expiry, GuestCounts, GuestRecord } from "../../store/guest-store.ts";
import type { DeleteExpiredResult, UserId } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";
import { expiryCutoff } from "../runtime/expiry.ts";
import { runBeforeDelete } from "./deletion.ts";

/** Progress of a clean-up, reported after every batch. */
export interface CleanupProgress {
  /** Users deleted so far. */
  readonly deleted: number;
  /** Expired guests counted when the run started (others may be deleting too). */
  readonly total: number;
}

/** Options of `guestUsers.deleteExpired()`. */
export interface DeleteExpiredOptions {
  /**
   * Users deleted per statement (at most 50,000). Unset on SQLite, each batch is sized to
   * take about 6 ms (between 100 and 10,000 users, starting at 250): better-sqlite3 runs
   * it on the event loop, and a server running the clean-up in-process keeps answering.
   * @default 5000 on PostgreSQL (1,000,000 guests: 4.8 s, against 5.8 s by 1000), 1000 on MySQL/MariaDB
   */
  readonly batchSize?: number;
  /** Count only; delete nothing. @default false */
  readonly dryRun?: boolean;
  /**
   * Override the configured `retention.maxAge` (seconds) for this run; the `keepIf` rule and
   * `maxAgeIfKept` still apply. @default settings.retention.maxAge
   */
  readonly maxAge?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: CleanupProgress) => void;
}

/**
 * The keys `deleteExpired()` knows, checked before anything is read or written: a typo such as
 * `{ dryrun: true }` would otherwise delete for real. Values are checked where they are used.
 */
const DELETE_EXPIRED_OPTIONS = optionBag({
  batchSize: v.optional(given<number>()),
  dryRun: v.optional(given<boolean>()),
  maxAge: v.optional(given<number>()),
  onProgress: v.optional(given<(progress: CleanupProgress) => void>()),
} satisfies EntriesOf<DeleteExpiredOptions>);

/** The first SQLite batch when `batchSize` is not given; later ones follow the time budget. */
const SQLITE_FIRST_BATCH = 250;

/** How long one SQLite batch may hold the event loop when `batchSize` is not given. */
const SQLITE_BATCH_MS = 6;

/** The next SQLite batch size: scaled towards {@link SQLITE_BATCH_MS}, at most 2x per step. */
function nextBatchSize(size: number, elapsedMs: number): number {
  const factor = Math.min(2, Math.max(0.5, SQLITE_BATCH_MS / Math.max(elapsedMs, 0.1)));
  return Math.min(10_000, Math.max(100, Math.round(size * factor)));
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidConfigError(option, `expected a positive integer, got ${value}`);
  return value;
}

/**
 * What every bulk guest deletion (clean-up batches, the admin's) runs in its transaction besides
 * the DELETE: `beforeDelete`, and the funnel's `deleted` counter bumped by the count deleted.
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

/** Guests counted per slice on SQLite: about 5 ms of the event loop at a time. */
const SQLITE_COUNT_SLICE = 30_000;

/** Expired guests: listing, counting and deleting, in constant memory. */
export function cleanupManager(context: Context) {
  const { db, quirks, settings, guests, sessions } = context;
  const hooks = guestDeletionHooks(context);
  /** Lets the event loop breathe: better-sqlite3 is synchronous, and a server must keep answering. */
  const breathe = () => new Promise((resolve) => setImmediate(resolve));

  /** The guest counts; on SQLite in slices: one count of a million guests holds the loop 50-150 ms. */
  async function countGuests(limits: Expiry): Promise<GuestCounts> {
    if (!quirks.batches.onEventLoop) return guests.count(db, limits);
    const total = { guests: 0, expired: 0, kept: 0 };
    let after: UserId | null = null;
    for (;;) {
      const slice = await guests.countSlice(db, limits, after, SQLITE_COUNT_SLICE);
      for (const key of ["guests", "expired", "kept"] as const) total[key] += slice[key];
      if (slice.guests < SQLITE_COUNT_SLICE || slice.last === null) return total;
      after = slice.last;
      await breathe();
    }
  }

  return {
    /**
     * Every expired guest (as `isExpired()`), read page by page (constant memory, however many).
     * @example
     * ```ts
     * for await (const guest of guestUsers.filterExpired()) console.log(guest.userId);
     * ```
     */
    async *filterExpired(
      options: { readonly maxAge?: number; readonly pageSize?: number } = {},
    ): AsyncGenerator<GuestRecord> {
      const limits = expiryCutoff(settings, options.maxAge);
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
     * The number of guests, of expired guests (the ones clean-up would delete now), and of
     * guests the `retention.keepIf` rule matches (`kept`, 0 without a rule; a kept guest
     * past `maxAgeIfKept` counts in `expired` too), in one query.
     * @example
     * ```ts
     * const { guests, expired, kept } = await guestUsers.stats();
     * ```
     */
    stats: async (options: { readonly maxAge?: number } = {}): Promise<GuestCounts> =>
      withDatabase(context, () => countGuests(expiryCutoff(settings, options.maxAge))),

    /**
     * Deletes expired guests' USERS in batches (guest rows, sessions and every app row with ON
     * DELETE CASCADE go too), one transaction per batch, never one statement per user. Each batch
     * runs `beforeDelete` with its ids (a throw rolls that batch back and reaches you; earlier
     * batches stay deleted) and adds exactly its count to the funnel's `deleted`. Safe from several
     * servers at once; a guest that converts meanwhile is never deleted, nor is a registered user.
     * @example
     * ```ts
     * const { deleted } = await guestUsers.deleteExpired({ batchSize: 5000 });
     * ```
     */
    async deleteExpired(input: DeleteExpiredOptions = {}): Promise<DeleteExpiredResult> {
      const options = parseOptions(DELETE_EXPIRED_OPTIONS, input, "guestUsers.deleteExpired()");
      const fallback = quirks.batches.defaultDeleteSize;
      const batchSize = positiveInteger("batchSize", options.batchSize, fallback);
      const limits = expiryCutoff(settings, options.maxAge);
      return withDatabase(context, async () => {
        const { expired, kept } = await countGuests(limits);
        if (options.dryRun) return { deleted: 0, expired, kept, sessionsDeleted: 0, dryRun: true };
        let deleted = 0;
        // Each batch resumes where the previous one stopped (see ExpiredBatch.after); when a
        // batch finds nothing there, one more pass from the oldest picks up the guests that a
        // conversion held (SKIP LOCKED) and then let go.
        let after: number | null = null;
        const sized = options.batchSize === undefined && quirks.batches.onEventLoop;
        // Sized batches start small (the first ones run on a cold cache) and grow.
        let limit = sized ? SQLITE_FIRST_BATCH : batchSize;
        for (;;) {
          const started = performance.now();
          const batch = await quirks.deleteExpiredBatch(db, {
            tables: settings.tables,
            cutoffs: limits,
            limit,
            after,
            ...hooks,
          });
          if (sized && batch.deleted > 0) limit = nextBatchSize(limit, performance.now() - started);
          deleted += batch.deleted;
          // The batch's sessions went by cascade, ids unknown here: every server's cache drops all.
          if (batch.deleted > 0) await context.sessionCache?.revoke(db, { everything: true });
          context.metrics.deleted(batch.deleted, "cleanup");
          if (batch.deleted > 0)
            options.onProgress?.({ deleted, total: Math.max(expired, deleted) });
          if (batch.deleted === 0 && after === null) break;
          after = batch.deleted === 0 ? null : batch.last;
          await breathe();
        }
        const sessionsDeleted = await sessions.deleteExpired(db, settings.clock());
        await continueLinkQueries(settings.tables).deleteExpired(db, settings.clock());
        return { deleted, expired, kept, sessionsDeleted, dryRun: false };
      });
    },
  };
}
