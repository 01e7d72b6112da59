import { memoryLimitStore } from "../../limits/memory.ts";
import type { LimitStore, RateLimit } from "../../limits/types.ts";
import { resolveMetrics } from "../../metrics/resolve.ts";
import type { GuestUserMetrics } from "../../metrics/types.ts";
import { parseOptions, type Same } from "../../shared/option-schema.ts";
import { resolveTables, type Tables } from "../../store/tables.ts";
import type { Logger } from "../model/events.ts";
import type { ScryptParams } from "../model/passwords.ts";
import type { ConvertForm } from "../model/types.ts";
import type { NameGenerator } from "../model/usernames/name-generator.ts";
import { resolveNameGenerator } from "../model/usernames/resolve.ts";
import type { CleanupSchedule } from "./cleanup-schedule-options.ts";
import { developmentSecretFile } from "./environment.ts";
import type { BeforeDeleteEvent, GuestUsersOptions, TermsOptions } from "./options.ts";
import { GUEST_USERS_OPTIONS } from "./options-schema.ts";
import { type Ownership, ownsDataRule } from "./ownership-options.ts";
import type { QuotaRule } from "./quota-options.ts";
import type { Retention } from "./retention-options.ts";
import type { ResolvedSessionCache } from "./session-cache-options.ts";
import type { CookieOptions, SessionOptions } from "./session-options.ts";

/** The options after checking, with every default filled in. */
export interface Settings {
  readonly enabled: boolean;
  readonly generateName: NameGenerator;
  readonly maxAge: number;
  readonly expireBy: "createdAt" | "lastSeenAt";
  /** The retention rules; `retention.maxAge` is `maxAge`. */
  readonly retention: Retention;
  /** The checked `cleanup` option; null when no schedule. */
  readonly cleanup: CleanupSchedule | null;
  readonly convertForm: ConvertForm<unknown>;
  /** The `reservedUsernames`, as keys (NFKC, lower case): compare with `usernameKey()`. */
  readonly reservedUsernames: ReadonlySet<string>;
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
  /** The checked `sessionCache` option; null when off. */
  readonly sessionCache: ResolvedSessionCache | null;
  readonly passwordHashing: ScryptParams;
  readonly tables: Tables;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly secret: string | null;
  /**
   * Where the web layer keeps a generated development secret when `secret` is null and
   * `NODE_ENV` is not `production`; null otherwise (then a missing secret stops the web layer).
   */
  readonly developmentSecretFile: string | null;
  readonly guestCreationLimit: RateLimit | null;
  readonly createGuests: "onVisit" | "onWrite";
  readonly beforeGuestCreated: NonNullable<GuestUsersOptions["beforeGuestCreated"]> | null;
  readonly loginLimit: RateLimit | null;
  /** The `continueLinkTtlSeconds` option: how long a continue link works, in seconds. */
  readonly continueLinkTtlSeconds: number;
  readonly limitStore: LimitStore;
  /** The `ipv6Subnet` option: the prefix length IPv6 clients count by in rate limits. */
  readonly ipv6Subnet: number;
  readonly terms: TermsOptions | null;
  readonly beforeDelete: ((event: BeforeDeleteEvent) => void | Promise<void>) | null;
  /** The recorder of the `metrics` option (no-ops when off). */
  readonly metrics: GuestUserMetrics;
  /** The `preparedStatements` option. */
  readonly preparedStatements: boolean;
  /** The `quotas` option (issue 20); `{}` when none. */
  readonly quotas: Readonly<Record<string, QuotaRule>>;
  /** The `cookie` option, `domain` null when absent. */
  readonly cookie: Required<Omit<CookieOptions, "domain">> & { readonly domain: string | null };
  /** The checked `ownership` option (issue 20); no tables when not given. */
  readonly ownership: Ownership;
}

/**
 * Checks the options as {@link parseOptions} does (`INVALID_CONFIG` for the first unknown key
 * or bad value), so a misconfigured app fails at start-up, and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveSettings({ loginUrl: "/login/" }).requiredAnonUrl; // "/login/"
 * ```
 */
export function resolveSettings(options: GuestUsersOptions = {}) {
  const {
    database,
    userStore: _userStore,
    nameGenerator,
    namePrefix,
    nameSuffixDigits,
    maxAge,
    retention,
    requiredAnonUrl,
    requiredUserUrl,
    limitStore,
    metrics,
    tablePrefix,
    users,
    ...settings
  } = parseOptions(GUEST_USERS_OPTIONS, options, "createGuestUsers()");
  const guestMaxAge = retention?.maxAge ?? maxAge ?? settings.session.maxAge;
  return {
    ...settings,
    generateName: resolveNameGenerator(nameGenerator, {
      prefix: namePrefix,
      digits: nameSuffixDigits,
    }),
    maxAge: guestMaxAge,
    retention: {
      maxAgeIfKept: null,
      ...retention,
      // `"ownsData"`: the rule written from the `ownership` tables (checked to list some).
      keepIf:
        retention?.keepIf === "ownsData"
          ? ownsDataRule(settings.ownership)
          : (retention?.keepIf ?? null),
      maxAge: guestMaxAge,
    },
    requiredAnonUrl: requiredAnonUrl ?? settings.loginUrl,
    requiredUserUrl: requiredUserUrl ?? settings.loginRedirectUrl,
    limitStore: limitStore ?? memoryLimitStore({ clock: settings.clock }),
    metrics: resolveMetrics(metrics),
    tables: resolveTables({ tablePrefix, users }),
    developmentSecretFile: settings.secret ? null : developmentSecretFile(database),
  };
}

/** {@link Settings} is what {@link resolveSettings} makes of the schema: no member more or less. */
const _settings: Same<Settings, ReturnType<typeof resolveSettings>> = true;
