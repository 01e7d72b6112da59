/**
 * The reference app's configuration, read from the environment and checked up front: a bad
 * value stops the app with one line per problem, before anything starts.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `3000` | `0` picks a free port (printed as `listening on http://...`) |
 * | `HOST` | `127.0.0.1` | the address to listen on |
 * | `ADAPTER` | `express` | `express`, `hono` or `fastify` |
 * | `DATABASE_URL` | a SQLite file in a fresh temp dir | `sqlite:...`, `postgres://...`, `mysql://...` |
 * | `GUEST_USER_ENABLED` | `true` | `false`: `allow_guest_user` lets anonymous visitors through |
 * | `GUEST_USER_MAX_AGE` | the library's (14 days) | seconds until a guest is expired |
 * | `GUEST_USER_NAME_GENERATOR` | `uuid` | `uuid`, `numbered` or `friendly` |
 * | `GUEST_USER_SECRET` | a random one per start | at least 32 characters |
 * | `GUEST_USER_CREATE_ON` | `visit` | `visit` or `write` (`createGuests: "onVisit"` / `"onWrite"`) |
 * | `GUEST_USER_CREATION_LIMIT` | none | `<max>/<seconds>`: guests per client address and window |
 * | `GUEST_USER_LOGIN_LIMIT` | the library's (`10/900`) | `<max>/<seconds>` failed logins, or `off` |
 * | `GUEST_USER_LIMIT_STORE` | `memory` | `memory` or a `redis://` / `rediss://` URL |
 * | `GUEST_USER_LIMIT_PREFIX` | the store's (`guest-user:`) | the Redis key prefix (Redis only) |
 * | `GUEST_USER_TRUST_PROXY` | none | a hop count, or addresses / CIDRs / proxy-addr names, comma-separated |
 * | `GUEST_USER_EXPIRE_BY` | `createdAt` | `createdAt` or `lastSeenAt` |
 * | `GUEST_USER_CONTINUE_TTL` | the library's (600) | seconds a "continue on another device" link works |
 *
 * The admin, OpenID Connect and terms variables are in operations-config.ts;
 * `GUEST_USER_QUOTA` (`<name>:<guestMax>/<registeredMax>/<windowSeconds>`) in quota.ts; the
 * owned tables' (`GUEST_USER_OWNED_TABLES`, `GUEST_USER_KEEP_IF`) in owned-data.ts.
 *
 * An empty variable counts as unset.
 */
import proxyAddr from "proxy-addr";
import { isUrlOf, type OperationsConfig, readOperations } from "./operations-config.ts";
import { type OwnedDataConfig, readOwnedData } from "./owned-data.ts";
import { type QuotaConfig, readQuota } from "./quota.ts";

export type { OidcConfig, OperationsConfig } from "./operations-config.ts";

/** The web frameworks the app runs on. */
export const ADAPTERS = ["express", "hono", "fastify"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** The built-in guest name generators. */
export const NAME_GENERATORS = ["uuid", "numbered", "friendly"] as const;
export type NameGeneratorName = (typeof NAME_GENERATORS)[number];

/** `GUEST_USER_CREATE_ON`, and the `createGuests` setting each value stands for. */
export const CREATE_ON = { visit: "onVisit", write: "onWrite" } as const;
export type CreateOn = keyof typeof CREATE_ON;

/** `GUEST_USER_EXPIRE_BY`'s values: the `expireBy` setting. */
export const EXPIRE_BY = ["createdAt", "lastSeenAt"] as const;
export type ExpireBy = (typeof EXPIRE_BY)[number];

/** `<max>/<seconds>`: the library's `RateLimit`. */
export interface RateLimitConfig {
  readonly max: number;
  readonly windowSeconds: number;
}

/** Where the limits count: this process's memory, or a Redis shared by every process. */
export type LimitStoreConfig =
  | { readonly kind: "memory" }
  | { readonly kind: "redis"; readonly url: string; readonly prefix: string | undefined };

/** `GUEST_USER_TRUST_PROXY`: a hop count, or addresses / CIDRs / proxy-addr names. */
export type TrustProxyConfig = number | readonly string[];

/** The checked configuration. `undefined` means "use the default". */
export interface AppConfig extends OperationsConfig, OwnedDataConfig {
  readonly port: number;
  readonly host: string;
  readonly adapter: AdapterName;
  /** Unset: the server makes a SQLite file in a fresh temp dir. */
  readonly databaseUrl: string | undefined;
  readonly enabled: boolean | undefined;
  readonly maxAge: number | undefined;
  readonly nameGenerator: NameGeneratorName | undefined;
  /** Unset: the server generates a random one and says so. */
  readonly secret: string | undefined;
  readonly createGuests: (typeof CREATE_ON)[CreateOn] | undefined;
  readonly guestCreationLimit: RateLimitConfig | undefined;
  /** `null`: throttling off (`GUEST_USER_LOGIN_LIMIT=off`). */
  readonly loginLimit: RateLimitConfig | null | undefined;
  readonly limitStore: LimitStoreConfig;
  /** Unset: `X-Forwarded-*` headers are ignored. */
  readonly trustProxy: TrustProxyConfig | undefined;
  readonly expireBy: ExpireBy | undefined;
  /** `GUEST_USER_CONTINUE_TTL`: the `continueLinkTtlSeconds` setting. */
  readonly continueLinkTtlSeconds: number | undefined;
  /** `GUEST_USER_QUOTA` (issue 20); unset: no quota. */
  readonly quota: QuotaConfig | undefined;
}

/** Every problem found in the environment, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * Reads and checks the environment; throws a {@link ConfigError} listing every bad value.
 *
 * @example
 * ```ts
 * readConfig({ PORT: "0", ADAPTER: "hono" }); // { port: 0, adapter: "hono", ... }
 * ```
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const raw = value(name);
    if (raw === undefined || (choices as readonly string[]).includes(raw)) {
      return raw as T | undefined;
    }
    problems.push(`${name}: expected ${choices.join(", ")}; got ${JSON.stringify(raw)}`);
    return undefined;
  };
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    problems.push(
      `${name}: expected a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}`,
    );
    return undefined;
  };

  const port = integer("PORT", 0, 65_535) ?? 3000;
  const adapter = oneOf("ADAPTER", ADAPTERS) ?? "express";
  const nameGenerator = oneOf("GUEST_USER_NAME_GENERATOR", NAME_GENERATORS);
  const maxAge = integer("GUEST_USER_MAX_AGE", 1, 100 * 365 * 24 * 3600);

  let enabled: boolean | undefined;
  const rawEnabled = value("GUEST_USER_ENABLED")?.toLowerCase();
  if (rawEnabled !== undefined) {
    if (TRUE.has(rawEnabled)) enabled = true;
    else if (FALSE.has(rawEnabled)) enabled = false;
    else {
      problems.push(
        `GUEST_USER_ENABLED: expected true or false; got ${JSON.stringify(env.GUEST_USER_ENABLED)}`,
      );
    }
  }

  const secret = value("GUEST_USER_SECRET");
  if (secret !== undefined && secret.length < 32) {
    problems.push(
      `GUEST_USER_SECRET: expected at least 32 characters (e.g. \`openssl rand -base64 32\`); got ${secret.length}`,
    );
  }

  const rawCreateOn = oneOf("GUEST_USER_CREATE_ON", Object.keys(CREATE_ON) as CreateOn[]);
  const createGuests = rawCreateOn === undefined ? undefined : CREATE_ON[rawCreateOn];
  const expireBy = oneOf("GUEST_USER_EXPIRE_BY", EXPIRE_BY);

  const rateLimit = (name: string, off: boolean): RateLimitConfig | null | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    if (off && raw.toLowerCase() === "off") return null;
    const match = /^(\d+)\s*\/\s*(\d+)$/.exec(raw);
    const max = Number(match?.[1]);
    const windowSeconds = Number(match?.[2]);
    if (match && max >= 1 && max <= 1_000_000_000 && windowSeconds >= 1 && windowSeconds <= 1e9) {
      return { max, windowSeconds };
    }
    problems.push(
      `${name}: expected <max>/<seconds> with whole numbers of at least 1 (e.g. 10/900)${off ? " or off" : ""}; got ${JSON.stringify(raw)}`,
    );
    return undefined;
  };
  const guestCreationLimit = rateLimit("GUEST_USER_CREATION_LIMIT", false) ?? undefined;
  const loginLimit = rateLimit("GUEST_USER_LOGIN_LIMIT", true);

  let limitStore: LimitStoreConfig = { kind: "memory" };
  const rawStore = value("GUEST_USER_LIMIT_STORE");
  const prefix = value("GUEST_USER_LIMIT_PREFIX");
  if (rawStore !== undefined && rawStore.toLowerCase() !== "memory") {
    if (isUrlOf(rawStore, ["redis:", "rediss:"]))
      limitStore = { kind: "redis", url: rawStore, prefix };
    else {
      problems.push(
        `GUEST_USER_LIMIT_STORE: expected memory or a redis:// (rediss://) URL; got ${JSON.stringify(rawStore.replace(/\/\/[^@/]*@/, "//***@"))}`,
      );
    }
  } else if (prefix !== undefined) {
    problems.push(
      "GUEST_USER_LIMIT_PREFIX: only used with a Redis store; set GUEST_USER_LIMIT_STORE=redis://... (or unset the prefix)",
    );
  }
  if (prefix !== undefined && !/^\S{1,200}$/.test(prefix)) {
    problems.push(
      `GUEST_USER_LIMIT_PREFIX: expected at most 200 characters without spaces; got ${JSON.stringify(prefix)}`,
    );
  }

  let trustProxy: TrustProxyConfig | undefined;
  const rawTrust = value("GUEST_USER_TRUST_PROXY");
  if (rawTrust !== undefined) {
    if (/^\d+$/.test(rawTrust)) {
      const hops = Number(rawTrust);
      if (hops >= 1 && hops <= 100) trustProxy = hops;
      else {
        problems.push(
          `GUEST_USER_TRUST_PROXY: expected a hop count from 1 to 100, or addresses/CIDRs; got ${JSON.stringify(rawTrust)}`,
        );
      }
    } else {
      const list = rawTrust.split(",").map((item) => item.trim());
      const bad = list.filter((item) => !isTrustEntry(item));
      if (bad.length === 0) trustProxy = list;
      else {
        problems.push(
          `GUEST_USER_TRUST_PROXY: expected a hop count, or comma-separated addresses, CIDR ranges or loopback, linklocal, uniquelocal; ${bad.map((item) => JSON.stringify(item)).join(", ")} ${bad.length === 1 ? "is" : "are"} none of these`,
        );
      }
    }
  }

  const operations = readOperations(value, problems);
  const continueLinkTtlSeconds = integer("GUEST_USER_CONTINUE_TTL", 1, 365 * 24 * 3600);
  const quota = readQuota(value, problems); // issue 20
  const ownedData = readOwnedData(value, problems); // issue 20

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...operations,
    ...ownedData,
    port,
    host: value("HOST") ?? "127.0.0.1",
    adapter,
    // Checked by createGuestUsers(), whose INVALID_CONFIG message names the accepted forms.
    databaseUrl: value("DATABASE_URL"),
    enabled,
    maxAge,
    nameGenerator,
    secret,
    createGuests,
    guestCreationLimit,
    loginLimit,
    limitStore,
    trustProxy,
    expireBy,
    continueLinkTtlSeconds, // continue on another device (issue 20)
    quota,
  };
}

/** An address, a CIDR range or a proxy-addr name, as Express's `trust proxy` takes them. */
function isTrustEntry(item: string): boolean {
  if (item === "") return false;
  try {
    proxyAddr.compile(item);
    return true;
  } catch {
    return false;
  }
}
