import * as v from "valibot";
import { DEFAULT_IPV6_SUBNET } from "../../limits/address-key.ts";
import type { LimitStore } from "../../limits/types.ts";
import { accepted, describe, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import {
  aFunction,
  describeKind,
  describeSecret,
  given,
  integerFrom,
  matching,
  oneOf,
  orNull,
  positiveInteger,
  seconds,
  trueOrFalse,
  url,
  withMethods,
} from "../../shared/option-values.ts";
import { TABLE_OPTIONS } from "../../store/tables.ts";
import { userCreationForm } from "../model/forms/user-creation-form.ts";
import { DEFAULT_SCRYPT, SCRYPT_PARAMS } from "../model/passwords.ts";
import { DEFAULT_BLOCKED_USER_AGENTS } from "../model/user-agents.ts";
import { NAME_GENERATOR_SETTING } from "../model/usernames/resolve.ts";
import { CLEANUP_SCHEDULE_OPTIONS } from "./cleanup-schedule-options.ts";
import { MIN_SECRET_LENGTH } from "./environment.ts";
import { type GuestUsersOptions, TWO_WEEKS } from "./options.ts";
import { OWNERSHIP_OPTIONS } from "./ownership-options.ts";
import { QUOTA_OPTIONS } from "./quota-options.ts";
import { DEFAULT_RESERVED_USERNAMES, RESERVED_USERNAMES } from "./reserved-usernames.ts";
import { RETENTION_OPTIONS } from "./retention-options.ts";
import { SESSION_CACHE_OPTIONS } from "./session-cache-options.ts";

/**
 * The schemas of `createGuestUsers()`'s options (documented in options.ts): the keys, the
 * values' checks and the defaults. User objects (the database, a user store, a logger, a
 * limit store, a meter, a form) are checked by kind at most, never looked into.
 */

/** The type of option `K`, as options.ts writes it (null and absence aside). */
type Option<K extends keyof GuestUsersOptions> = NonNullable<GuestUsersOptions[K]>;

/** {@link SessionOptions}: a `refreshInterval` given must be below `maxAge` (its default need not). */
const SESSION_OPTIONS = v.pipe(
  optionBag({
    maxAge: v.optional(seconds, TWO_WEEKS),
    refreshInterval: v.optional(seconds),
  } satisfies EntriesOf<Option<"session">>),
  v.forward(
    v.check(
      ({ maxAge, refreshInterval }) => refreshInterval === undefined || refreshInterval < maxAge,
      (issue) =>
        `expected a positive number of seconds below session.maxAge, got ${describe(issue.input.refreshInterval)}`,
    ),
    ["refreshInterval"],
  ),
  v.transform(({ maxAge, refreshInterval }) => ({
    maxAge,
    refreshInterval: refreshInterval ?? 3600,
  })),
);

/** {@link CookieOptions}; `domain` null when absent (the current host only). */
const COOKIE_OPTIONS = optionBag({
  name: v.optional(
    matching(/^[\w-]{1,64}$/, "letters, digits, _ or - (at most 64)"),
    "guest_user_session",
  ),
  secure: v.optional(
    accepted<boolean | "auto">(
      (value) => value === "auto" || typeof value === "boolean",
      'true, false or "auto"',
    ),
    "auto",
  ),
  domain: orNull(matching(/^[a-z0-9.-]+$/i, "a host name")),
  path: v.optional(matching(/^\/[\w\-./~]*$/, 'a path starting with "/"'), "/"),
} satisfies EntriesOf<Option<"cookie">>);

/** {@link TermsOptions}. */
const TERMS_OPTIONS = optionBag({
  version: matching(/^[\w.:-]{1,64}$/, 'up to 64 letters, digits or ".:-_"'),
  url,
} satisfies EntriesOf<Option<"terms">>);

/** A {@link RateLimit} (`guestCreationLimit`, `loginLimit`). */
const RATE_LIMIT = optionBag({
  max: positiveInteger,
  windowSeconds: seconds,
} satisfies EntriesOf<Option<"loginLimit">>);

const compiles = (pattern: string | RegExp) => {
  try {
    new RegExp(typeof pattern === "string" ? pattern : pattern.source, "i");
    return true;
  } catch {
    return false;
  }
};

/** `blockedUserAgents`: strings (regular expressions) and RegExps. */
const BLOCKED_USER_AGENTS = v.pipe(
  accepted<Option<"blockedUserAgents">>(
    (value) =>
      Array.isArray(value) &&
      value.every((pattern) => typeof pattern === "string" || pattern instanceof RegExp),
    "an array of strings or RegExps",
  ),
  v.check(
    (patterns) => patterns.every(compiles),
    (issue) =>
      `${describe(String(issue.input.find((pattern) => !compiles(pattern))))} is not a valid regular expression`,
  ),
);

const isForm = (value: unknown) => {
  const form = value as Partial<Option<"convertForm">> | null;
  return (
    typeof form?.schema?.["~standard"]?.validate === "function" &&
    typeof form.getCredentials === "function"
  );
};

/**
 * {@link GuestUsersOptions}, every key (those of `TableOptions` included). `maxAge` and
 * `retention.maxAge` are one setting: give one of the two.
 */
export const GUEST_USERS_OPTIONS = v.pipe(
  optionBag({
    database: v.optional(given<Option<"database">>()),
    enabled: v.optional(trueOrFalse, true),
    nameGenerator: v.nullish(NAME_GENERATOR_SETTING, "uuid"),
    namePrefix: v.optional(
      matching(/^[\w.@+-]{0,100}$/, "letters, digits or @.+-_ (at most 100)"),
      "Guest",
    ),
    nameSuffixDigits: v.optional(integerFrom(1, 12), 4),
    maxAge: v.optional(seconds),
    expireBy: v.optional(oneOf("createdAt", "lastSeenAt"), "createdAt"),
    retention: orNull(RETENTION_OPTIONS),
    cleanup: orNull(CLEANUP_SCHEDULE_OPTIONS),
    convertForm: v.optional(
      accepted<Option<"convertForm">>(
        isForm,
        "{ schema: <a Standard Schema validator>, getCredentials(value) }",
        describeKind,
      ),
      () => userCreationForm() as Option<"convertForm">,
    ),
    reservedUsernames: v.optional(RESERVED_USERNAMES, DEFAULT_RESERVED_USERNAMES),
    convertPrefillUsername: v.optional(trueOrFalse, false),
    convertUrl: v.optional(url, "/convert/"),
    convertRedirectUrl: v.optional(url, "/convert/success/"),
    requiredAnonUrl: v.optional(url),
    requiredUserUrl: v.optional(url),
    loginUrl: v.optional(url, "/accounts/login/"),
    loginRedirectUrl: v.optional(url, "/accounts/profile/"),
    blockedUserAgents: v.optional(BLOCKED_USER_AGENTS, DEFAULT_BLOCKED_USER_AGENTS),
    detectBots: v.optional(trueOrFalse, true),
    session: v.nullish(SESSION_OPTIONS, {}),
    sessionCache: orNull(SESSION_CACHE_OPTIONS),
    passwordHashing: v.optional(SCRYPT_PARAMS, DEFAULT_SCRYPT),
    userStore: v.optional(given<Option<"userStore">>()),
    logger: v.optional(
      withMethods<Option<"logger">>(["error", "warn"], "an object with error() and warn()"),
      console,
    ),
    clock: v.optional(aFunction<() => number>("a function returning milliseconds"), () => Date.now),
    secret: orNull(
      accepted<string>(
        (value) => typeof value === "string" && value.length >= MIN_SECRET_LENGTH,
        `a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. from \`openssl rand -base64 32\`)`,
        describeSecret,
      ),
    ),
    cookie: v.nullish(COOKIE_OPTIONS, {}),
    guestCreationLimit: orNull(RATE_LIMIT),
    createGuests: v.optional(oneOf("onVisit", "onWrite"), "onVisit"),
    beforeGuestCreated: orNull(
      aFunction<Option<"beforeGuestCreated">>("a function returning true or false"),
    ),
    loginLimit: v.optional(v.nullable(RATE_LIMIT), { max: 10, windowSeconds: 900 }),
    continueLinkTtlSeconds: v.optional(
      integerFrom(1, 31_536_000, "a positive whole number of seconds, such as 600"),
      600,
    ),
    limitStore: v.optional(
      withMethods<LimitStore>(["hit", "peek", "reset"], "a LimitStore: { hit, peek, reset }"),
    ),
    ipv6Subnet: v.optional(
      integerFrom(1, 128, "an integer from 1 to 128 (the IPv6 prefix length, such as 64)"),
      DEFAULT_IPV6_SUBNET,
    ),
    terms: orNull(TERMS_OPTIONS),
    beforeDelete: orNull(aFunction<Option<"beforeDelete">>()),
    metrics: v.optional(given<Option<"metrics">>()),
    preparedStatements: v.optional(trueOrFalse, true),
    quotas: v.optional(QUOTA_OPTIONS, {}), // quotas (issue 20)
    ownership: v.nullish(OWNERSHIP_OPTIONS, {}), // issue 20
    ...TABLE_OPTIONS.entries,
  } satisfies EntriesOf<GuestUsersOptions>),
  // quotas (issue 20): consumeQuota needs a store that can count n units atomically.
  v.check(
    (options) =>
      Object.keys(options.quotas).length === 0 ||
      options.limitStore === undefined ||
      typeof options.limitStore.consume === "function",
    "the `quotas` option needs a limitStore with consume() (memoryLimitStore() and redisLimitStore() have it)",
  ),
  v.forward(
    v.check(
      (options) => options.maxAge === undefined || options.retention?.maxAge === undefined,
      "the top-level `maxAge` is given too: keep one of the two",
    ),
    ["retention", "maxAge"],
  ),
  // issue 20: the "ownsData" rule is written from the `ownership` tables: there must be some.
  v.forward(
    v.check(
      (options) => options.retention?.keepIf !== "ownsData" || options.ownership.tables.length > 0,
      'expected `ownership.tables` to list at least one table for keepIf "ownsData"',
    ),
    ["retention", "keepIf"],
  ),
);
