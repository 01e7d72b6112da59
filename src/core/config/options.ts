import type { LimitStore, RateLimit } from "../../limits/types.ts";
import type { MetricsMeter } from "../../metrics/types.ts";
import type { UserId } from "../../shared/ids.ts";
import type { DatabaseSource } from "../../store/connect.ts";
import type { Db } from "../../store/dialect.ts";
import type { TableOptions } from "../../store/tables.ts";
import type { UserStore } from "../../store/user-store.ts";
import type { Logger } from "../model/events.ts";
import type { ScryptParams } from "../model/passwords.ts";
import type { ConvertForm } from "../model/types.ts";
import type { NameGeneratorSetting } from "../model/usernames/resolve.ts";
import type { CleanupScheduleOptions } from "./cleanup-schedule-options.ts";
import type { OwnershipOptions } from "./ownership-options.ts";
import type { QuotaOptions } from "./quota-options.ts";
import type { RetentionOptions } from "./retention-options.ts";
import type { SessionCacheOptions } from "./session-cache-options.ts";
import type { CookieOptions, SessionOptions } from "./session-options.ts";

/** Django's SESSION_COOKIE_AGE, which the reference's MAX_AGE defaults to: 14 days. */
export const TWO_WEEKS = 1_209_600;

/**
 * Everything `createGuestUsers()` takes. Every option is optional; the defaults are the
 * reference's (django-guest-user 0.5.5).
 *
 * @example
 * ```ts
 * const guestUsers = createGuestUsers({
 *   database: process.env.DATABASE_URL,
 *   nameGenerator: "friendly",
 *   maxAge: 30 * 24 * 3600,
 *   expireBy: "lastSeenAt",
 * });
 * ```
 */
export interface GuestUsersOptions extends TableOptions {
  /** Where the data lives; see {@link DatabaseSource}. @default "sqlite:guest-user.sqlite3" */
  readonly database?: DatabaseSource | undefined;
  /** When false, guarded pages let anonymous visitors through and no guest is made. @default true */
  readonly enabled?: boolean;
  /** `"uuid"`, `"numbered"`, `"friendly"` or a function returning a username. @default "uuid" */
  readonly nameGenerator?: NameGeneratorSetting;
  /** Prefix of the numbered generator. @default "Guest" */
  readonly namePrefix?: string;
  /** Digits of the numbered generator. @default 4 */
  readonly nameSuffixDigits?: number;
  /** Seconds after which a guest is expired and may be deleted. @default 1209600 (the session age) */
  readonly maxAge?: number;
  /**
   * What a guest's age is measured from: its creation (the reference) or its last request.
   * @default "createdAt"
   */
  readonly expireBy?: "createdAt" | "lastSeenAt";
  /**
   * Who clean-up deletes, and when: see {@link RetentionOptions}.
   * @default null (every guest expires after `maxAge`, as in the reference)
   * @example retention: { keepIf: (userId) => sql`exists (select 1 from notes where notes.user_id = ${userId})` }
   */
  readonly retention?: RetentionOptions | null;
  /**
   * Run the clean-up on a schedule inside the app: see {@link CleanupScheduleOptions}.
   * @default null (no schedule: run `guest-user delete-expired` from cron, or call deleteExpired())
   * @example cleanup: { every: "1h" }
   */
  readonly cleanup?: CleanupScheduleOptions | null;
  /** The form that converts a guest. @default userCreationForm() */
  readonly convertForm?: ConvertForm<unknown>;
  /**
   * Usernames nobody gets: sign-up and convert refuse them ("This username is reserved."),
   * and a name derived from a social identity (`preferred_username`, GitHub `login`) that is
   * one of them gets the next free numeric suffix instead ("admin2"). Compared as usernames
   * are: NFKC, without regard to case. Existing users keep their names. `[]` reserves none.
   * @default DEFAULT_RESERVED_USERNAMES (admin, administrator, root, staff, support, ...; from guest-user/forms)
   * @example reservedUsernames: [...DEFAULT_RESERVED_USERNAMES, "billing", "ceo"]
   */
  readonly reservedUsernames?: readonly string[];
  /** Pre-fill the convert form with the guest's generated username. @default false */
  readonly convertPrefillUsername?: boolean;
  /** Where guests go when a page needs a registered user. @default "/convert/" */
  readonly convertUrl?: string;
  /** Where a converted user lands, unless a safe `next` was given. @default "/convert/success/" */
  readonly convertRedirectUrl?: string;
  /** Where anonymous visitors go from a guest-only page. @default loginUrl */
  readonly requiredAnonUrl?: string;
  /** Where registered users go from a guest-only page. @default loginRedirectUrl */
  readonly requiredUserUrl?: string;
  /** The login page. @default "/accounts/login/" */
  readonly loginUrl?: string;
  /** Where users land after logging in. @default "/accounts/profile/" */
  readonly loginRedirectUrl?: string;
  /**
   * Crawlers that never get a guest: patterns matched case-insensitively anywhere in the
   * User-Agent. Replaces the reference's list; extend it with
   * `[...DEFAULT_BLOCKED_USER_AGENTS, "MyBot"]`. A missing or blank User-Agent never gets one.
   * @default the reference's 12 (DEFAULT_BLOCKED_USER_AGENTS)
   */
  readonly blockedUserAgents?: readonly (string | RegExp)[];
  /**
   * Also refuse guests to what the maintained `isbot` list calls a bot (GPTBot, AhrefsBot,
   * Applebot, curl, python-requests, headless browsers, ...), on top of `blockedUserAgents`.
   * @default true
   */
  readonly detectBots?: boolean;
  /** Sessions. */
  readonly session?: SessionOptions;
  /**
   * Serve returning visitors' sessions from memory: see {@link SessionCacheOptions}.
   * @default null (off: every request reads its session from the database)
   * @example sessionCache: { ttlMs: 30_000, redis: new Redis(process.env.REDIS_URL) }
   */
  readonly sessionCache?: SessionCacheOptions | null;
  /** scrypt parameters for new password hashes. @default { logN: 16, r: 8, p: 1 } */
  readonly passwordHashing?: ScryptParams;
  /**
   * Your own user operations; see {@link UserStore}. A function receives the default store
   * (on the configured users table) to extend.
   * @default tableUserStore() on the configured users table
   * @example
   * ```ts
   * userStore: (base) => ({ ...base, insertUser: async (db, user) => { const id = await base.insertUser(db, user); ...; return id; } })
   * ```
   */
  readonly userStore?: UserStore | ((defaults: UserStore) => UserStore);
  /** Where failures that cannot be thrown (a throwing listener) are reported. @default console */
  readonly logger?: Logger;
  /** The clock, in milliseconds since the epoch (tests move it). @default Date.now */
  readonly clock?: () => number;
  /**
   * A random secret of at least 32 characters, for CSRF tokens. Required by the web layer
   * (views and adapters); the core alone does not need it. Keep it out of the code:
   * `secret: process.env.GUEST_USER_SECRET`.
   */
  readonly secret?: string | undefined;
  /** The session cookie. */
  readonly cookie?: CookieOptions;
  /**
   * At most `max` guests per client address (see `ipv6Subnet`) every `windowSeconds`: past it,
   * `allowGuestUser` serves the visitor anonymously, as for a blocked crawler. Stops
   * cookie-dropping clients and unlisted crawlers from creating guests without bound.
   * @default null (no limit)
   * @example { max: 60, windowSeconds: 3600 }
   */
  readonly guestCreationLimit?: RateLimit | null;
  /**
   * When a guest is made. `"onVisit"` (the reference): the first request of an anonymous
   * visitor through `allowGuestUser`. `"onWrite"`: anonymous GET/HEAD/OPTIONS run the handler
   * anonymously (`state.guestPending` is true) and write nothing; the first unsafe request
   * (POST, PUT, PATCH, DELETE) that passes the CSRF check creates the guest, and parallel first
   * writes of one browser make ONE guest. Crawlers and link previews then cost no rows.
   * @default "onVisit"
   * @example createGuests: "onWrite"
   */
  readonly createGuests?: "onVisit" | "onWrite";
  /**
   * The app's veto on a new guest (a CAPTCHA or Turnstile check, its own bot rules): return
   * false, or throw a `GuestUserError`, to refuse; the visitor is then served anonymously
   * (the JSON guest endpoint answers 403). Runs after the built-in checks pass.
   * @default undefined (no veto)
   * @example
   * ```ts
   * beforeGuestCreated: ({ request }) => request.headers.get("cf-turnstile-ok") === "1"
   * ```
   */
  readonly beforeGuestCreated?: (context: GuestCreationContext) => boolean | Promise<boolean>;
  /**
   * Failed logins allowed per username and client address every `windowSeconds`; the
   * address alone may fail five times as often (many usernames). Past it the login, sign-up
   * and convert forms answer 429 with `Retry-After`, the right password refused too, until the
   * window ends. `null` turns throttling off.
   * @default { max: 10, windowSeconds: 900 }
   * @example loginLimit: { max: 5, windowSeconds: 600 }
   */
  readonly loginLimit?: RateLimit | null;
  /**
   * How long a "continue on another device" link works, in seconds (`POST /accounts/continue/`,
   * `guestUsers.createContinueLink()`): once, within this time, and not after the session that
   * asked for it ended. Confirming one is throttled by `loginLimit`.
   * @default 600 (10 minutes)
   * @example continueLinkTtlSeconds: 300
   */
  readonly continueLinkTtlSeconds?: number;
  /**
   * Where `guestCreationLimit` and `loginLimit` count: in this process's memory, or in a store
   * shared by every server, such as `redisLimitStore()` from `guest-user/redis`.
   * @default memoryLimitStore()
   * @example limitStore: redisLimitStore({ client: new Redis(process.env.REDIS_URL) })
   */
  readonly limitStore?: LimitStore;
  /**
   * The IPv6 prefix length by which `guestCreationLimit` and `loginLimit` count a client: an
   * IPv6 address counts as its network of this many bits (the default /64 is what one home or
   * server gets, so rotating through it gains nothing; 128 counts each address apart). An
   * IPv4-mapped address (`::ffff:10.0.0.1`) always counts as its IPv4 address. The request
   * state's `clientAddress` and the `beforeGuestCreated` hook still see the real address.
   * @default 64
   * @example ipv6Subnet: 56
   */
  readonly ipv6Subnet?: number;
  /**
   * Terms of service (the reference's django-tos integration): registered users who have not
   * accepted `version` are sent by `termsRequired()` to the accept page (guests pass), and the
   * convert and sign-up forms require an "I accept" box. A new `version` asks everyone again.
   * @default null (no terms)
   * @example terms: { version: "2026-11", url: "/legal/terms/" }
   */
  readonly terms?: TermsOptions | null;
  /**
   * Runs before users are deleted (self-service deletion, the admin's actions, and clean-up,
   * batch by batch), inside the deleting transaction: remove what does not cascade (files,
   * billing records). A throw rolls the deletion back.
   * @default null
   * @example
   * ```ts
   * beforeDelete: async ({ userIds }) => { await removeUploads(userIds); }
   * ```
   */
  readonly beforeDelete?: ((event: BeforeDeleteEvent) => void | Promise<void>) | null;
  /**
   * Metrics through the OpenTelemetry API: counters `guest_user.guests.created`,
   * `guest_user.guests.refused` (`reason`: bot, limit, veto, disabled),
   * `guest_user.guests.converted` (`method`: form, social), `guest_user.guests.merged`,
   * `guest_user.users.deleted` (`by`: cleanup, self, admin; `kind`: guest, registered),
   * `guest_user.quota.exceeded` (`quota`: its name; `kind`: guest, registered), and
   * the histogram `guest_user.session.lookup.duration` (seconds; `result`: hit, miss), each
   * recorded after its transaction commits. A `Meter` is used as given; `true` takes the
   * global meter `"guest-user"` of `@opentelemetry/api` (an optional peer: `DRIVER_MISSING`
   * when it is not installed; register your MeterProvider before the first request).
   * @default false (off: nothing recorded, nothing loaded)
   * @example metrics: meterProvider.getMeter("guest-user")
   */
  readonly metrics?: MetricsMeter | boolean;
  /**
   * PostgreSQL, MySQL and MariaDB: run the hot statements (session lookup and refresh, session
   * and guest inserts) as server-side prepared statements, parsed and planned once per
   * connection instead of on every request (PostgreSQL: about 4x less database CPU per
   * lookup). Applies to a URL or a driver pool you pass; for a Kysely instance you pass, build
   * its dialect with `preparedStatementPool()` from `guest-user/postgres`. Safe behind
   * PgBouncer: 1.21+ keeps them with `max_prepared_statements` set (1.24+: on by default);
   * an older one, or one with it at 0, in transaction mode makes them fail with "prepared
   * statement ... does not exist" or "already exists" (never a wrong result: a name is a hash
   * of its text). guest-user then switches them off for that database, logs ONE warning and
   * runs the statement again (inside a transaction the call fails with
   * `DATABASE_UNAVAILABLE` once instead). Ignored for SQLite.
   * @default true
   * @example preparedStatements: false
   */
  readonly preparedStatements?: boolean;
  /**
   * Quotas by user type: per name, how many units a guest and a registered user may spend per
   * window (`registered: null`: unlimited), counted per user id in `limitStore` (Redis: shared
   * by every server). Spend with `guestUsers.consumeQuota(user, name)` or the adapters'
   * `quota(name)` guard (past the limit: 429 with an `upgradeUrl` to the convert page for
   * guests). A guest who converts keeps its count and is held to `registered` from its next
   * request. Throws `INVALID_CONFIG` for a bad name or rule.
   * @default {} (no quotas)
   * @example
   * ```ts
   * quotas: { ai: { guest: { max: 3, windowSeconds: 86_400 }, registered: { max: 100, windowSeconds: 86_400 } } }
   * ```
   */
  readonly quotas?: QuotaOptions;
  /**
   * The app tables whose rows belong to a user, declared once: see {@link OwnershipOptions}
   * (merge on log-in, `retention: { keepIf: "ownsData" }`, the admin's data column, exports).
   * @default null (no owned tables)
   * @example ownership: { tables: [{ table: "notes", column: "user_id" }] }
   */
  readonly ownership?: OwnershipOptions | null;
}

/** The terms of service users accept. */
export interface TermsOptions {
  /** The current version; users who accepted another one are asked again. @example "2026-11" */
  readonly version: string;
  /** Where the terms are published (linked from the accept page and the forms). @example "/legal/terms/" */
  readonly url: string;
}

/** What {@link GuestUsersOptions.beforeDelete} gets. */
export interface BeforeDeleteEvent {
  /** The users about to be deleted. */
  readonly userIds: readonly UserId[];
  /** The deleting transaction: query through it. */
  readonly db: Db;
}

/** What {@link GuestUsersOptions.beforeGuestCreated} gets. */
export interface GuestCreationContext {
  /** The request that would create the guest. */
  readonly request: Request;
  /** The client's address as the adapter determined it (trusted proxies applied), or null. */
  readonly clientAddress: string | null;
}
