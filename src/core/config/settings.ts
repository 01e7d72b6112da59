import { DEFAULT_IPV6_SUBNET } from "../../limits/address-key.ts";
import { memoryLimitStore } from "../../limits/memory.ts";
import { resolveMetrics } from "../../metrics/resolve.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import { checkOptionKeys } from "../../shared/option-keys.ts";
import { resolveTables } from "../../store/tables.ts";
import type { Logger } from "../model/events.ts";
import { userCreationForm } from "../model/forms/index.ts";
import { DEFAULT_SCRYPT } from "../model/passwords.ts";
import type { ConvertForm } from "../model/types.ts";
import { DEFAULT_BLOCKED_USER_AGENTS } from "../model/user-agents.ts";
import {
  check,
  describe,
  describeSecret,
  isBoolean,
  isRateLimit,
  isSeconds,
  isUrl,
  URL_EXPECTED,
} from "./checks.ts";
import { resolveCleanupSchedule } from "./cleanup-schedule-options.ts";
import { resolveCookie, resolveGenerator } from "./cookie-and-name-settings.ts";
import { GUEST_USERS_OPTION_KEYS } from "./option-keys.ts";
import type { GuestUsersOptions } from "./options.ts";
import { TWO_WEEKS } from "./options.ts";
import { resolveReservedUsernames } from "./reserved-usernames.ts";
import type { Settings } from "./resolved-settings.ts";
import { resolveRetention } from "./retention-options.ts";
import { resolveSessionCache } from "./session-cache-options.ts";

export {
  type BeforeDeleteEvent,
  type CookieOptions,
  type GuestCreationContext,
  type GuestUsersOptions,
  type SessionOptions,
  type TermsOptions,
  TWO_WEEKS,
} from "./options.ts";
export type { Settings } from "./resolved-settings.ts";

/**
 * Checks the options and fills in the defaults. Throws {@link InvalidConfigError} naming the
 * first bad option, so a misconfigured app fails at start-up, not on a visitor's request. An
 * unknown key, at any level (`databse`, `session.maxAgee`), is a bad option too: the error
 * names the closest known key.
 */
export function resolveSettings(options: GuestUsersOptions = {}): Settings {
  if (typeof options !== "object" || options === null) {
    throw new InvalidConfigError("options", `expected an object, got ${describe(options)}`);
  }
  checkOptionKeys(options, GUEST_USERS_OPTION_KEYS, "createGuestUsers()");
  const generateName = resolveGenerator(options);
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
  const resolvedCookie = resolveCookie(options.cookie);
  const secret = check(
    "secret",
    options.secret,
    null as string | null,
    (v) => typeof v === "string" && v.length >= 32,
    "a random string of at least 32 characters (e.g. from `openssl rand -base64 32`)",
    describeSecret,
  );
  const logger = check(
    "logger",
    options.logger,
    console as Logger,
    (v) => typeof v?.error === "function" && typeof v.warn === "function",
    "an object with error() and warn()",
  );

  const maxAge = check(
    "maxAge",
    options.maxAge,
    sessionMaxAge,
    isSeconds,
    "a positive number of seconds",
  );
  const retention = resolveRetention(options.retention, maxAge, options.maxAge !== undefined);
  return {
    enabled: check("enabled", options.enabled, true, isBoolean, "true or false"),
    generateName,
    maxAge: retention.maxAge,
    retention,
    cleanup: resolveCleanupSchedule(options.cleanup),
    expireBy: check(
      "expireBy",
      options.expireBy,
      "createdAt",
      (v) => v === "createdAt" || v === "lastSeenAt",
      '"createdAt" or "lastSeenAt"',
    ),
    convertForm,
    reservedUsernames: resolveReservedUsernames(options.reservedUsernames),
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
    sessionCache: resolveSessionCache(options.sessionCache),
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
    ipv6Subnet: check(
      "ipv6Subnet",
      options.ipv6Subnet,
      DEFAULT_IPV6_SUBNET,
      (v) => Number.isInteger(v) && v >= 1 && v <= 128,
      "an integer from 1 to 128 (the IPv6 prefix length, such as 64)",
    ),
    terms: check(
      "terms",
      options.terms ?? undefined,
      null,
      (v) => typeof v?.version === "string" && /^[\w.:-]{1,64}$/.test(v.version) && isUrl(v.url),
      '{ version: up to 64 letters, digits or ".:-_", url: a path or an http(s) URL }',
    ),
    beforeDelete: check(
      "beforeDelete",
      options.beforeDelete ?? undefined,
      null,
      (v) => typeof v === "function",
      "a function",
    ),
    metrics: resolveMetrics(options.metrics),
    preparedStatements: check(
      "preparedStatements",
      options.preparedStatements,
      true,
      isBoolean,
      "true or false",
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
