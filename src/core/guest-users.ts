import { openDatabase } from "../store/connect.ts";
import type { Db, DialectName } from "../store/dialect.ts";
import { type MigrateResult, migrateDown, migrateToLatest } from "../store/migrate.ts";
import { withEnvironment } from "./config/environment.ts";
import type { GuestUsersOptions } from "./config/options.ts";
import { resolveSettings, type Settings } from "./config/settings.ts";
import type { GuestUserEvents, Listener } from "./model/events.ts";
import { accountManager } from "./operations/accounts.ts";
import { adminManager } from "./operations/admin.ts";
import { cleanupManager } from "./operations/cleanup.ts";
import { type CleanupStatus, scheduleCleanup, UNSCHEDULED } from "./operations/cleanup-schedule.ts";
import { continueLinkManager } from "./operations/continue-links.ts";
import { deletionManager } from "./operations/deletion.ts";
import { funnelManager } from "./operations/funnel.ts";
import { guestManager } from "./operations/guests.ts";
import { identityManager } from "./operations/identities.ts";
import { exportManager } from "./operations/ownership.ts";
import { quotaManager } from "./operations/quotas.ts";
import { sessionManager } from "./operations/sessions.ts";
import { signInStatusManager } from "./operations/sign-in-status.ts";
import { staffManager } from "./operations/staff.ts";
import { termsManager } from "./operations/terms.ts";
import { createContext, withDatabase } from "./runtime/context.ts";
import { withRevocations } from "./runtime/revoking-stores.ts";
import { createSessionCacheRuntime } from "./runtime/session-cache-runtime.ts";

/** Everything the library does, bound to one database and one set of settings. */
export interface GuestUsers
  extends ReturnType<typeof guestManager>,
    ReturnType<typeof accountManager>,
    ReturnType<typeof sessionManager>,
    ReturnType<typeof signInStatusManager>,
    ReturnType<typeof cleanupManager>,
    ReturnType<typeof funnelManager>,
    ReturnType<typeof adminManager>,
    ReturnType<typeof identityManager>,
    ReturnType<typeof deletionManager>,
    ReturnType<typeof termsManager>,
    ReturnType<typeof staffManager>,
    ReturnType<typeof continueLinkManager>,
    ReturnType<typeof quotaManager>,
    ReturnType<typeof exportManager> {
  /** The checked settings, defaults filled in. */
  readonly settings: Settings;
  /** The Kysely instance in use (for your own queries on the same database). */
  readonly db: Db;
  /** `"sqlite"`, `"postgres"` or `"mysql"`. */
  readonly dialect: DialectName;
  /** Creates or updates our tables; safe to call from many servers at once. */
  migrate(): Promise<MigrateResult>;
  /** Drops our tables (never an app's own users table). For tests and uninstalls. */
  unmigrate(): Promise<MigrateResult>;
  /** Listens to `guestCreated` or `converted`; returns a function that stops listening. */
  on<Name extends keyof GuestUserEvents>(name: Name, listener: Listener<Name>): () => void;
  /** Stops a listener added with {@link on}. */
  off<Name extends keyof GuestUserEvents>(name: Name, listener: Listener<Name>): void;
  /**
   * True when `name` has at least one listener (e.g. pages say whether a log-in merges the
   * guest's work: it does when a `merged` listener is registered).
   * @example
   * ```ts
   * if (!guestUsers.hasListeners("merged")) console.warn("guests who log in leave their work behind");
   * ```
   */
  hasListeners(name: keyof GuestUserEvents): boolean;
  /**
   * What the `cleanup` schedule of this process did lately (for a health check); with the
   * option off, `scheduled: false` and nothing else.
   * @example
   * ```ts
   * const { lastRunAt, lastResult, lastError, running } = guestUsers.cleanupStatus();
   * ```
   */
  cleanupStatus(): CleanupStatus;
  /**
   * Stops the `cleanup` schedule (a round under way ends after its current batch, and is
   * waited for), then closes the database connection if we opened it (a pool or handle you
   * passed stays open).
   */
  close(): Promise<void>;
}

/**
 * Creates the library's single entry point. Options are checked at once: a bad one throws
 * `INVALID_CONFIG` naming it. Nothing connects until the first query.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 *
 * const guestUsers = createGuestUsers({ database: "sqlite:app.sqlite3" });
 * await guestUsers.migrate();
 * guestUsers.on("converted", ({ user }) => console.log(`${user.username} signed up`));
 * const guest = await guestUsers.createGuestUser();
 * ```
 */
export function createGuestUsers(options: GuestUsersOptions = {}): GuestUsers {
  const given = withEnvironment(options);
  const settings = resolveSettings(given);
  const connection = openDatabase(given.database, {
    preparedStatements: settings.preparedStatements,
    logger: settings.logger,
  });
  const sessionCache = createSessionCacheRuntime(settings, connection);
  const { db, quirks } = connection;
  const bare = createContext(db, quirks, settings, given.userStore);
  const context = sessionCache ? withRevocations(bare, sessionCache) : bare;
  const cleanup = scheduleCleanup(context);
  const guestUsers: GuestUsers = {
    settings,
    db,
    dialect: quirks.name,
    ...guestManager(context),
    ...accountManager(context),
    ...sessionManager(context),
    ...signInStatusManager(context),
    ...cleanupManager(context),
    ...funnelManager(context),
    ...adminManager(context),
    ...identityManager(context),
    ...termsManager(context),
    ...deletionManager(context),
    ...staffManager(context),
    ...continueLinkManager(context),
    ...quotaManager(context), // quotas (issue 20)
    ...exportManager(context),
    migrate: () => withDatabase(context, () => migrateToLatest(db, settings.tables, quirks)),
    unmigrate: () => withDatabase(context, () => migrateDown(db, settings.tables, quirks)),
    on: (name, listener) => context.events.on(name, listener),
    off: (name, listener) => context.events.off(name, listener),
    hasListeners: (name) => context.events.has(name),
    cleanupStatus: () => cleanup.runner?.status() ?? UNSCHEDULED,
    async close() {
      await cleanup.runner?.stop();
      await sessionCache?.close();
      if (connection.owned) await db.destroy();
    },
  };
  cleanup.attach(guestUsers);
  return guestUsers;
}
