import { memoryLimitStore } from "../limits/memory.ts";
import type { LimitStore, RateLimit } from "../limits/types.ts";
import type { DatabaseSource } from "../store/connect.ts";
import { resolveTables, type TableOptions, type Tables } from "../store/tables.ts";
import type { UserStore } from "../store/user-store.ts";
import { InvalidConfigError } from "./errors.ts";
import type { Logger } from "./events.ts";
import { userCreationForm } from "./forms/index.ts";
import { DEFAULT_SCRYPT, type ScryptParams } from "./passwords.ts";
import type { ConvertForm } from "./types.ts";
import { DEFAULT_BLOCKED_USER_AGENTS } from "./user-agents.ts";
import {
  type NameGenerator,
  type NameGeneratorSetting,
  resolveNameGenerator,
} from "./usernames/index.ts";

/** Django's SESSION_COOKIE_AGE, which the reference's MAX_AGE defaults to: 14 days. */
export const TWO_WEEKS = 1_209_600;

/** Session options. */
export interface SessionOptions {
  /** Seconds a session lives without activity (sliding expiry). @default 1209600 (14 days) */
  readonly maxAge?: number;
  /**
   * Seconds between two extensions of a session's expiry (and of a guest's `last_seen_at`):
   * the only write a returning visitor ever causes, at most this often.
   * @default 3600
   */
  readonly refreshInterval?: number;
}

/** The session cookie. */
export interface CookieOptions {
  /** @default "guest_user_session" */
  readonly name?: string;
  /** `"auto"`: Secure everywhere but on localhost (plain-HTTP development). @default "auto" */
  readonly secure?: boolean | "auto";
  /** @default undefined (the current host only) */
  readonly domain?: string;
  /** @default "/" */
  readonly path?: string;
}

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
  readonly database?: DatabaseSource;
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
  /** The form that converts a guest. @default userCreationForm() */
  readonly convertForm?: ConvertForm<unknown>;
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
  readonly secret?: string;
  /** The session cookie. */
  readonly cookie?: CookieOptions;
  /**
   * At most `max` guests per client address every `windowSeconds` (in memory, per process):
   * past it, `allowGuestUser` serves the visitor anonymously, as for a blocked crawler. Stops
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
   * Where `guestCreationLimit` and `loginLimit` count: in this process's memory, or in a store
   * shared by every server, such as `redisLimitStore()` from `guest-user/redis`.
   * @default memoryLimitStore()
   * @example limitStore: redisLimitStore({ client: new Redis(process.env.REDIS_URL) })
   */
  readonly limitStore?: LimitStore;
}

/** What {@link GuestUsersOptions.beforeGuestCreated} gets. */
export interface GuestCreationContext {
  /** The request that would create the guest. */
  readonly request: Request;
  /** The client's address as the adapter determined it (trusted proxies applied), or null. */
  readonly clientAddress: string | null;
}

/** The options after checking, with every default filled in. */
export interface Settings {
  readonly enabled: boolean;
  readonly generateName: NameGenerator;
  readonly maxAge: number;
  readonly expireBy: "createdAt" | "lastSeenAt";
  readonly convertForm: ConvertForm<unknown>;
  readonly convertPrefillUsername: boolean;
  readonly convertUrl: string;
  readonly convertRedirectUrl: string;
  readonly requiredAnonUrl: string;
  readonly requiredUserUrl: string;
  readonly loginUrl: string;
  readonly loginRedirectUrl: string;
  readonly blockedUserAgents: readonly (string | RegExp)[];
  readonly detectBots: boolean;
  readonly session: Required<SessionOptions>;
  readonly passwordHashing: ScryptParams;
  readonly tables: Tables;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly secret: string | null;
  readonly guestCreationLimit: RateLimit | null;
  readonly createGuests: "onVisit" | "onWrite";
  readonly beforeGuestCreated:
    | ((context: GuestCreationContext) => boolean | Promise<boolean>)
    | null;
  readonly loginLimit: RateLimit | null;
  readonly limitStore: LimitStore;
  readonly cookie: {
    readonly name: string;
    readonly secure: boolean | "auto";
    readonly domain: string | null;
    readonly path: string;
  };
}

function check<T>(
  option: string,
  value: T | undefined,
  fallback: T,
  valid: (v: T) => boolean,
  expected: string,
): T {
  if (value === undefined) return fallback;
  if (!valid(value))
    throw new InvalidConfigError(option, `expected ${expected}, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const isBoolean = (v: unknown) => typeof v === "boolean";
const isSeconds = (v: number) => typeof v === "number" && Number.isFinite(v) && v > 0;
const isUrl = (v: string) =>
  typeof v === "string" && (/^\/(?![/\\])/.test(v) || /^https?:\/\/[^\s]+$/i.test(v));
const isRateLimit = (v: RateLimit | null) =>
  v === null ||
  (typeof v === "object" && Number.isInteger(v.max) && v.max >= 1 && isSeconds(v.windowSeconds));
const URL_EXPECTED = 'a path starting with "/" or an http(s) URL';

/**
 * Checks the options and fills in the defaults. Throws {@link InvalidConfigError} naming the
 * first bad option, so a misconfigured app fails at start-up, not on a visitor's request.
 */
export function resolveSettings(options: GuestUsersOptions = {}): Settings {
  if (typeof options !== "object" || options === null) {
    throw new InvalidConfigError("options", `expected an object, got ${describe(options)}`);
  }
  const prefix = check(
    "namePrefix",
    options.namePrefix,
    "Guest",
    (v) => typeof v === "string" && /^[\w.@+-]{0,100}$/.test(v),
    "letters, digits or @.+-_ (at most 100)",
  );
  const digits = check(
    "nameSuffixDigits",
    options.nameSuffixDigits,
    4,
    (v) => Number.isInteger(v) && v >= 1 && v <= 12,
    "an integer from 1 to 12",
  );
  const nameSetting = options.nameGenerator ?? "uuid";
  let generateName: NameGenerator;
  try {
    generateName = resolveNameGenerator(nameSetting, { prefix, digits });
  } catch (cause) {
    if (cause instanceof InvalidConfigError) throw cause;
    throw new InvalidConfigError(
      "nameGenerator",
      `expected "uuid", "numbered", "friendly" or a function, got ${describe(nameSetting)}`,
    );
  }
  const session = options.session ?? {};
  const sessionMaxAge = check(
    "session.maxAge",
    session.maxAge,
    TWO_WEEKS,
    isSeconds,
    "a positive number of seconds",
  );
  const refreshInterval = check(
    "session.refreshInterval",
    session.refreshInterval,
    3600,
    (v) => isSeconds(v) && v < sessionMaxAge,
    "a positive number of seconds below session.maxAge",
  );
  const loginUrl = check("loginUrl", options.loginUrl, "/accounts/login/", isUrl, URL_EXPECTED);
  const loginRedirectUrl = check(
    "loginRedirectUrl",
    options.loginRedirectUrl,
    "/accounts/profile/",
    isUrl,
    URL_EXPECTED,
  );
  const convertForm = check(
    "convertForm",
    options.convertForm,
    userCreationForm() as ConvertForm<unknown>,
    (v) =>
      typeof v === "object" &&
      v !== null &&
      typeof v.schema?.["~standard"]?.validate === "function" &&
      typeof v.getCredentials === "function",
    "{ schema: <a Standard Schema validator>, getCredentials(value) }",
  );
  const blocked = check(
    "blockedUserAgents",
    options.blockedUserAgents,
    DEFAULT_BLOCKED_USER_AGENTS,
    (v) => Array.isArray(v) && v.every((p) => typeof p === "string" || p instanceof RegExp),
    "an array of strings or RegExps",
  );
  for (const pattern of blocked) {
    try {
      new RegExp(typeof pattern === "string" ? pattern : pattern.source, "i");
    } catch {
      throw new InvalidConfigError(
        "blockedUserAgents",
        `${describe(String(pattern))} is not a valid regular expression`,
      );
    }
  }
  const cookie = options.cookie ?? {};
  const resolvedCookie = {
    name: check(
      "cookie.name",
      cookie.name,
      "guest_user_session",
      (v) => typeof v === "string" && /^[\w-]{1,64}$/.test(v),
      "letters, digits, _ or - (at most 64)",
    ),
    secure: check(
      "cookie.secure",
      cookie.secure,
      "auto" as boolean | "auto",
      (v) => v === "auto" || typeof v === "boolean",
      'true, false or "auto"',
    ),
    domain: check(
      "cookie.domain",
      cookie.domain,
      null as string | null,
      (v) => typeof v === "string" && /^[a-z0-9.-]+$/i.test(v),
      "a host name",
    ),
    path: check(
      "cookie.path",
      cookie.path,
      "/",
      (v) => typeof v === "string" && /^\/[\w\-./~]*$/.test(v),
      'a path starting with "/"',
    ),
  };
  const secret = check(
    "secret",
    options.secret,
    null as string | null,
    (v) => typeof v === "string" && v.length >= 32,
    "a random string of at least 32 characters",
  );
  const logger = check(
    "logger",
    options.logger,
    console as Logger,
    (v) => typeof v?.error === "function" && typeof v.warn === "function",
    "an object with error() and warn()",
  );

  return {
    enabled: check("enabled", options.enabled, true, isBoolean, "true or false"),
    generateName,
    maxAge: check(
      "maxAge",
      options.maxAge,
      sessionMaxAge,
      isSeconds,
      "a positive number of seconds",
    ),
    expireBy: check(
      "expireBy",
      options.expireBy,
      "createdAt",
      (v) => v === "createdAt" || v === "lastSeenAt",
      '"createdAt" or "lastSeenAt"',
    ),
    convertForm,
    convertPrefillUsername: check(
      "convertPrefillUsername",
      options.convertPrefillUsername,
      false,
      isBoolean,
      "true or false",
    ),
    convertUrl: check("convertUrl", options.convertUrl, "/convert/", isUrl, URL_EXPECTED),
    convertRedirectUrl: check(
      "convertRedirectUrl",
      options.convertRedirectUrl,
      "/convert/success/",
      isUrl,
      URL_EXPECTED,
    ),
    requiredAnonUrl: check(
      "requiredAnonUrl",
      options.requiredAnonUrl,
      loginUrl,
      isUrl,
      URL_EXPECTED,
    ),
    requiredUserUrl: check(
      "requiredUserUrl",
      options.requiredUserUrl,
      loginRedirectUrl,
      isUrl,
      URL_EXPECTED,
    ),
    loginUrl,
    loginRedirectUrl,
    blockedUserAgents: blocked,
    detectBots: check("detectBots", options.detectBots, true, isBoolean, "true or false"),
    session: { maxAge: sessionMaxAge, refreshInterval },
    passwordHashing: check(
      "passwordHashing",
      options.passwordHashing,
      DEFAULT_SCRYPT,
      (v) =>
        Number.isInteger(v?.logN) &&
        v.logN >= 10 &&
        v.logN <= 22 &&
        Number.isInteger(v.r) &&
        v.r >= 1 &&
        Number.isInteger(v.p) &&
        v.p >= 1,
      "{ logN: 10..22, r: >= 1, p: >= 1 }",
    ),
    tables: resolveTables(options),
    logger,
    secret,
    guestCreationLimit: check(
      "guestCreationLimit",
      options.guestCreationLimit,
      null,
      isRateLimit,
      "null or { max: a positive integer, windowSeconds: a positive number }",
    ),
    createGuests: check(
      "createGuests",
      options.createGuests,
      "onVisit",
      (v) => v === "onVisit" || v === "onWrite",
      '"onVisit" or "onWrite"',
    ),
    beforeGuestCreated: check(
      "beforeGuestCreated",
      options.beforeGuestCreated ?? undefined,
      null,
      (v) => typeof v === "function",
      "a function returning true or false",
    ),
    loginLimit: check(
      "loginLimit",
      options.loginLimit,
      { max: 10, windowSeconds: 900 },
      isRateLimit,
      "null or { max: a positive integer, windowSeconds: a positive number }",
    ),
    limitStore: check(
      "limitStore",
      options.limitStore,
      memoryLimitStore({ clock: options.clock }),
      (v) =>
        typeof v?.hit === "function" &&
        typeof v.peek === "function" &&
        typeof v.reset === "function",
      "a LimitStore: { hit, peek, reset }",
    ),
    cookie: resolvedCookie,
    clock: check(
      "clock",
      options.clock,
      Date.now,
      (v) => typeof v === "function",
      "a function returning milliseconds",
    ),
  };
}
