/**
 * A misspelled option fails at start-up, at every level of createGuestUsers()' options, with
 * INVALID_CONFIG naming the key's path and the closest known key; valid options (all of them
 * at once) still work, user objects are never looked into, and nothing is created on disk or
 * in the database when the options are refused.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { GuestUsersOptions } from "../../src/core/config/options.ts";
import type { SessionOptions } from "../../src/core/config/session-options.ts";
import { createGuestUsers } from "../../src/core/guest-users.ts";
import { userCreationForm } from "../../src/core/model/forms/user-creation-form.ts";
import { memoryLimitStore } from "../../src/limits/memory.ts";
import { redisLimitStore } from "../../src/limits/redis.ts";
import { closest } from "../../src/shared/closest.ts";
import * as errorsModule from "../../src/shared/errors.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../src/shared/option-schema.ts";
import { seconds } from "../../src/shared/option-values.ts";
import { availableDialects, isolatedDatabase } from "../support/databases.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

const SECRET = "s".repeat(40);

/** The error createGuestUsers() throws for `options` (fails the test when none). */
function refusal(options: Record<string, unknown>): InvalidConfigError {
  try {
    createGuestUsers({ database: "sqlite::memory:", ...options } as GuestUsersOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe("unknown options of createGuestUsers()", () => {
  it.each([
    [{ databse: "sqlite::memory:" }, "databse", "database"],
    [{ secretKey: SECRET }, "secretKey", "secret"],
    [{ Secret: SECRET }, "Secret", "secret"],
    [{ maxage: 60 }, "maxage", "maxAge"],
    [{ cookies: { name: "sid" } }, "cookies", "cookie"],
    [{ session: { maxAgee: 60 } }, "session.maxAgee", "session.maxAge"],
    [{ session: { refreshIntervall: 60 } }, "session.refreshIntervall", "session.refreshInterval"],
    [{ cookie: { secur: true } }, "cookie.secur", "cookie.secure"],
    [{ retention: { keepIF: null } }, "retention.keepIF", "retention.keepIf"],
    [{ retention: { maxAgeIfKep: 60 } }, "retention.maxAgeIfKep", "retention.maxAgeIfKept"],
    [{ cleanup: { every: "1h", batchsize: 10 } }, "cleanup.batchsize", "cleanup.batchSize"],
    [{ cleanup: { every: "1h", onErorr: null } }, "cleanup.onErorr", "cleanup.onError"],
    [{ sessionCache: { ttl: 1000 } }, "sessionCache.ttl", "sessionCache.ttlMs"],
    [{ sessionCache: { chanel: "x" } }, "sessionCache.chanel", "sessionCache.channel"],
    [{ terms: { version: "1", url: "/t/", ur: "/t/" } }, "terms.ur", "terms.url"],
    [
      { loginLimit: { max: 5, windowSecs: 60 } },
      "loginLimit.windowSecs",
      "loginLimit.windowSeconds",
    ],
    [
      { guestCreationLimit: { mx: 5, windowSeconds: 60 } },
      "guestCreationLimit.mx",
      "guestCreationLimit.max",
    ],
    [{ passwordHashing: { logn: 10, r: 8, p: 1 } }, "passwordHashing.logn", "passwordHashing.logN"],
    [{ users: { tabel: "accounts" } }, "users.tabel", "users.table"],
    [
      { users: { columns: { usrname: "login" } } },
      "users.columns.usrname",
      "users.columns.username",
    ],
    [{ tablePrefx: "app_" }, "tablePrefx", "tablePrefix"],
    [{ ipv6Subnets: 48 }, "ipv6Subnets", "ipv6Subnet"],
  ])("%j: names `%s` and suggests `%s`", (options, path, suggestion) => {
    const error = refusal(options);
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.option).toBe(path);
    expect(error.message).toBe(
      `Unknown option \`${path}\`: did you mean \`${suggestion}\`? (createGuestUsers() has no such option)`,
    );
  });

  it("checks a key whose value is undefined by its name", () => {
    expect(refusal({ databse: undefined }).option).toBe("databse");
    expect(refusal({ session: { maxAgee: undefined } }).option).toBe("session.maxAgee");
  });

  it("lists the keys known at that level when none is close", () => {
    expect(refusal({ session: { colour: 1 } }).message).toBe(
      "Unknown option `session.colour`: `session` takes `maxAge`, `refreshInterval` (createGuestUsers() has no such option)",
    );
    const top = refusal({ xyzzy: 1 }).message;
    expect(top).toMatch(
      /^Unknown option `xyzzy`: it takes .* \(createGuestUsers\(\) has no such option\)$/,
    );
    expect(top).toContain("`database`");
    expect(top).toContain("`sessionCache`");
  });

  it("is refused before any other check and before anything is opened", () => {
    // A bad value elsewhere does not hide the typo, and a bad database URL is never parsed.
    const error = refusal({ database: "nonsense://", maxAge: -1, databse: "x" });
    expect(error.option).toBe("databse");
  });

  it("takes every option at once, every nested bag full, without a false alarm", async () => {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-options-"));
    try {
      const all: Required<GuestUsersOptions> = {
        database: `sqlite:${join(dir, "all.sqlite3")}`,
        enabled: true,
        nameGenerator: "numbered",
        namePrefix: "Visitor",
        nameSuffixDigits: 5,
        maxAge: undefined as unknown as number, // given as retention.maxAge (one of the two)
        expireBy: "lastSeenAt",
        retention: {
          maxAge: 7 * 86_400,
          keepIf: (userId) => sql<boolean>`${userId} < 0`,
          maxAgeIfKept: null,
        },
        cleanup: { every: "1h", batchSize: 500, onError: null, onRun: null },
        convertForm: userCreationForm(),
        reservedUsernames: ["admin", "billing"],
        convertPrefillUsername: true,
        convertUrl: "/convert/",
        convertRedirectUrl: "/done/",
        requiredAnonUrl: "/login/",
        requiredUserUrl: "/home/",
        loginUrl: "/login/",
        loginRedirectUrl: "/home/",
        blockedUserAgents: ["bot"],
        detectBots: true,
        session: { maxAge: 86_400, refreshInterval: 600 },
        sessionCache: { ttlMs: 5000, max: 100, invalidation: "local", channel: "gu_all" },
        passwordHashing: FAST_HASHING,
        userStore: (base) => ({ ...base }),
        // A user object: its own keys are not ours to check.
        logger: { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} } as never,
        clock: Date.now,
        secret: SECRET,
        cookie: { name: "sid", secure: "auto", domain: "localhost", path: "/" },
        guestCreationLimit: { max: 100, windowSeconds: 60 },
        createGuests: "onVisit",
        beforeGuestCreated: () => true,
        loginLimit: { max: 10, windowSeconds: 900 },
        continueLinkTtlSeconds: 600,
        limitStore: memoryLimitStore(),
        ipv6Subnet: 56,
        terms: { version: "2026-11", url: "/legal/terms/" },
        beforeDelete: null,
        metrics: false,
        preparedStatements: true,
        quotas: { ai: { guest: { max: 3, windowSeconds: 60 }, registered: null } },
        ownership: { tables: [{ table: "notes", column: "user_id", onMerge: "keepAccount" }] }, // issue 20
        tablePrefix: "all_",
        users: {
          columns: {
            id: "id",
            username: "username",
            password: "password",
            email: "email",
            createdAt: "created_at",
            lastLoginAt: "last_login_at",
            isStaff: "is_staff",
          },
          idType: "integer",
          usernameMaxLength: 150,
        },
      };
      const guestUsers = createGuestUsers(all);
      try {
        await guestUsers.migrate();
        const guest = await guestUsers.createGuestUser();
        expect(guest.username).toMatch(/^Visitor\d{5}$/);
      } finally {
        await guestUsers.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never looks into user objects (a Redis client, a form, a store: plain objects of their own)", () => {
    const redis = { publish: async () => 1, duplicate: () => redis, anythingElse: true };
    const form = { ...userCreationForm(), extra: "kept" };
    const store = { ...memoryLimitStore(), extra: "kept" };
    expect(() =>
      createGuestUsers({
        database: "sqlite::memory:",
        sessionCache: { redis: redis as never },
        convertForm: form,
        limitStore: store,
      }),
    ).not.toThrow();
  });

  it("creates no SQLite file when the options are refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-refused-"));
    const file = join(dir, "app.sqlite3");
    try {
      expect(() =>
        createGuestUsers({ database: `sqlite:${file}`, session: { maxAgee: 60 } } as never),
      ).toThrow(InvalidConfigError);
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(availableDialects().includes("postgres"))(
    "creates no table on PostgreSQL when the options are refused",
    async () => {
      const database = await isolatedDatabase("postgres");
      try {
        expect(() =>
          createGuestUsers({ database: database.url, tablePrefx: "app_" } as never),
        ).toThrow(/did you mean `tablePrefix`/);
        const { default: pg } = await import("pg");
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const { rows } = await client.query(
            "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
          );
          expect(rows[0].n).toBe(0);
        } finally {
          await client.end();
        }
      } finally {
        await database.drop();
      }
    },
  );
});

describe("unknown options of the limit stores", () => {
  it("memoryLimitStore() and redisLimitStore() refuse them with the closest known key", () => {
    expect(() => memoryLimitStore({ maxkeys: 10 } as never)).toThrow(
      "Unknown option `maxkeys`: did you mean `maxKeys`? (memoryLimitStore() has no such option)",
    );
    expect(() => redisLimitStore({ client: {}, timeout: 5 } as never)).toThrow(
      "Unknown option `timeout`: did you mean `timeoutMs`? (redisLimitStore() has no such option)",
    );
  });
});

describe("option bags", () => {
  it("check objects of any prototype, a null one included, and take user objects as they are", () => {
    expect(() =>
      parseOptions(optionBag({}), Object.assign(Object.create(null), { b: 1 }), "x()"),
    ).toThrow("Unknown option `b`: it takes no options (x() has no such option)");
    // A module namespace given where a user object goes is never looked into.
    expect(() =>
      createGuestUsers({ database: "sqlite::memory:", logger: errorsModule as never }),
    ).toThrow("Invalid option `logger`");
  });
});

describe("closest()", () => {
  it.each([
    ["databse", ["database", "enabled"], "database"],
    ["DATABASE", ["database"], "database"],
    ["secretKey", ["secret", "session"], "secret"],
    ["maxAgee", ["maxAge", "maxAgeIfKept"], "maxAge"],
    ["ttl", ["ttlMs", "max"], "ttlMs"],
    ["colour", ["database", "session"], null],
    ["x", ["max"], null],
    ["b", ["a"], null],
    ["mx", ["max", "windowSeconds"], "max"],
  ] as const)("%s among %j: %s", (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });
});

describe("EntriesOf<T>", () => {
  it("does not compile a schema missing a key of the type, or listing one it lacks", () => {
    // Checked by `tsc --noEmit -p .` (the suite's type check): remove an @ts-expect-error to see.
    // @ts-expect-error `refreshInterval` is missing
    const missing = { maxAge: seconds } satisfies EntriesOf<SessionOptions>;
    const extra = {
      maxAge: seconds,
      refreshInterval: seconds,
      // @ts-expect-error `maxAgee` is not a key of SessionOptions
      maxAgee: seconds,
    } satisfies EntriesOf<SessionOptions>;
    expect([missing, extra]).toHaveLength(2);
  });
});
