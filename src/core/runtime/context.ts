import type { GuestUserMetrics } from "../../metrics/types.ts";
import { DatabaseUnavailableError } from "../../shared/database-errors.ts";
import { GuestUserError } from "../../shared/errors.ts";
import type { Db, DialectQuirks } from "../../store/dialect.ts";
import { type FunnelQueries, funnelQueries } from "../../store/funnel-store.ts";
import { type GuestQueries, guestQueries } from "../../store/guest-store.ts";
import { type SessionQueries, sessionQueries } from "../../store/session-store.ts";
import { tableUserStore, type UserRow, type UserStore } from "../../store/user-store.ts";
import type { Settings } from "../config/settings.ts";
import { Events } from "../model/events.ts";
import { hasUsablePassword } from "../model/passwords.ts";
import type { User, UserId } from "../model/types.ts";
import type { SessionCacheRuntime } from "./session-cache-runtime.ts";

/** What every core operation works with: one object, built once by createGuestUsers(). */
export interface Context {
  readonly db: Db;
  readonly quirks: DialectQuirks;
  readonly settings: Settings;
  readonly users: UserStore;
  /**
   * True when `users` is the default table store (no custom `userStore`): PostgreSQL then
   * writes a guest in one statement instead of a transaction.
   */
  readonly tableUsers: boolean;
  readonly guests: GuestQueries;
  readonly sessions: SessionQueries;
  /** The funnel's daily counters: bump them in the event's own transaction. */
  readonly funnel: FunnelQueries;
  readonly events: Events;
  /** Metrics (the `metrics` option): one call where each event happens, after commit. */
  readonly metrics: GuestUserMetrics;
  /** The session cache (the `sessionCache` option); absent or null when off. */
  readonly sessionCache?: SessionCacheRuntime | null;
}

/** Builds the context from an open database and the checked settings. */
export function createContext(
  db: Db,
  quirks: DialectQuirks,
  settings: Settings,
  userStore?: UserStore | ((defaults: UserStore) => UserStore),
): Context {
  const defaults = tableUserStore(settings.tables, quirks);
  return {
    db,
    quirks,
    settings,
    users: typeof userStore === "function" ? userStore(defaults) : (userStore ?? defaults),
    tableUsers: userStore === undefined,
    guests: guestQueries(settings.tables),
    sessions: sessionQueries(settings.tables, settings.retention.keepIf),
    funnel: funnelQueries(settings.tables, quirks.upserts),
    events: new Events(settings.logger),
    metrics: settings.metrics,
  };
}

/**
 * Runs a database operation, turning "the server is gone" into a {@link DatabaseUnavailableError}
 * that says what to check. Our own errors pass through untouched.
 */
export async function withDatabase<T>(context: Context, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof GuestUserError) && context.quirks.isConnectionError(error)) {
      throw new DatabaseUnavailableError(error);
    }
    throw error;
  }
}

/** A users row plus its guest flag, as the public {@link User}. */
export function toUser(row: UserRow, isGuest: boolean): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    isGuest,
    createdAt: row.createdAt,
    lastLoginAt: row.lastLoginAt,
    // A guest is never staff, whatever its row says.
    isStaff: row.isStaff && !isGuest,
    hasPassword: hasUsablePassword(row.passwordHash),
  };
}

/** The user `id` with a fresh guest flag, or null, read through `db` (a transaction or the pool). */
export async function findUser(context: Context, db: Db, id: UserId): Promise<User | null> {
  const [row, guest] = await Promise.all([
    context.users.findById(db, id),
    context.guests.find(db, id),
  ]);
  return row ? toUser(row, guest !== undefined) : null;
}
