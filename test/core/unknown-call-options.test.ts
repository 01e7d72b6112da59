/**
 * A misspelled key in the options of a factory (the form and its password rules, the name
 * generator, the PostgreSQL and MySQL connectors and prepared-statement pools) or of a
 * GuestUsers method (clean-up, stats, funnel, the admin's list and deletions, deleteUser,
 * convert, createUser, guest creation, identity sign-in) fails with INVALID_CONFIG naming the
 * key and the closest known one, and nothing is done: no guest deleted, created or converted.
 */
import mysql from "mysql2";
import pg from "pg";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  CURRENT_USER_OPTION_KEYS,
  FILTER_EXPIRED_OPTION_KEYS,
  STATS_OPTION_KEYS,
} from "../../src/core/config/option-keys.ts";
import type { GuestUsers } from "../../src/core/guest-users.ts";
import {
  commonPasswordValidator,
  minimumLengthValidator,
  userAttributeSimilarityValidator,
  userCreationForm,
} from "../../src/core/model/forms/index.ts";
import { numberedNameGenerator } from "../../src/core/model/usernames/index.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { mysqlDatabase, preparedStatementMysqlPool } from "../../src/store/dialects/mysql.ts";
import { postgresDatabase, preparedStatementPool } from "../../src/store/dialects/postgres.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });

/** The message of an unknown key `key` of `where` for which `suggestion` is suggested. */
const unknown = (key: string, suggestion: string, where: string) =>
  `Unknown option \`${key}\`: did you mean \`${suggestion}\`? (${where} has no such option)`;

/** The INVALID_CONFIG error `run` throws or rejects with (fails the test when none). */
async function refusal(run: () => unknown): Promise<InvalidConfigError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).code).toBe("INVALID_CONFIG");
    return error as InvalidConfigError;
  }
  throw new Error("no error");
}

describe("unknown options of the factories", () => {
  it.each([
    [
      () => userCreationForm({ minPasswordLen: 12 } as never),
      "minPasswordLen",
      "minPasswordLength",
      "userCreationForm()",
    ],
    [
      () => userCreationForm({ passwordValidator: [] } as never),
      "passwordValidator",
      "passwordValidators",
      "userCreationForm()",
    ],
    [
      () => minimumLengthValidator({ min_length: 12 } as never),
      "min_length",
      "minLength",
      "minimumLengthValidator()",
    ],
    [
      () => userAttributeSimilarityValidator({ maxSimilarty: 0.5 } as never),
      "maxSimilarty",
      "maxSimilarity",
      "userAttributeSimilarityValidator()",
    ],
    [
      () => commonPasswordValidator({ password: ["letmein"] } as never),
      "password",
      "passwords",
      "commonPasswordValidator()",
    ],
    [
      () => numberedNameGenerator({ prefx: "Visitor" } as never),
      "prefx",
      "prefix",
      "numberedNameGenerator()",
    ],
    [
      () => numberedNameGenerator({ digit: 6 } as never),
      "digit",
      "digits",
      "numberedNameGenerator()",
    ],
    [
      () =>
        postgresDatabase("postgres://127.0.0.1:5432/test", { prepared_statements: false } as never),
      "prepared_statements",
      "preparedStatements",
      "postgresDatabase()",
    ],
    [
      () => mysqlDatabase("mysql://root@127.0.0.1:3306/test", { loger: console } as never),
      "loger",
      "logger",
      "mysqlDatabase()",
    ],
  ])("%#: names `%s` and suggests `%s`", async (run, key, suggestion, where) => {
    const error = await refusal(run);
    expect(error.option).toBe(key);
    expect(error.message).toBe(unknown(key, suggestion, where));
  });

  it("still takes every option of each factory", () => {
    expect(() =>
      userCreationForm({ minPasswordLength: 10, usernameMaxLength: 64, passwordValidators: [] }),
    ).not.toThrow();
    expect(() => minimumLengthValidator({ minLength: 12 })).not.toThrow();
    expect(() =>
      userAttributeSimilarityValidator({ attributes: ["username"], maxSimilarity: 0.5 }),
    ).not.toThrow();
    expect(() => commonPasswordValidator({ passwords: ["letmein"] })).not.toThrow();
    expect(numberedNameGenerator({ prefix: "Visitor", digits: 6 })({ maxLength: 150 })).toMatch(
      /^Visitor\d{6}$/,
    );
  });

  it("the prepared-statement pools refuse them before wrapping the app's pool", async () => {
    // Real driver pools: neither connects before its first query, and none is made here.
    const pgPool = new pg.Pool({ connectionString: "postgres://127.0.0.1:5432/test" });
    const mysqlPool = mysql.createPool({ uri: "mysql://root@127.0.0.1:3306/test" });
    try {
      expect(
        (await refusal(() => preparedStatementPool(pgPool, { log: console } as never))).message,
      ).toBe(unknown("log", "logger", "preparedStatementPool()"));
      expect(
        (await refusal(() => preparedStatementMysqlPool(mysqlPool, { warn: () => {} } as never)))
          .message,
      ).toBe(
        "Unknown option `warn`: it takes `logger` (preparedStatementMysqlPool() has no such option)",
      );
      expect(() => preparedStatementPool(pgPool, { logger: console })).not.toThrow();
      expect(() => preparedStatementMysqlPool(mysqlPool, { logger: console })).not.toThrow();
    } finally {
      await pgPool.end();
      await new Promise((resolve) => mysqlPool.end(resolve));
    }
  });
});

describeEachDatabase(
  "unknown options of the GuestUsers methods",
  (fx) => {
    let prefixes = 0;
    /** A GuestUsers with one expired guest, on tables of its own. */
    const withExpiredGuest = async () => {
      const clock = testClock();
      const gu = await fx.open({
        tablePrefix: `uco${++prefixes}_`,
        clock: clock.now,
        maxAge: DAY,
      });
      const guest = await gu.createGuestUser();
      clock.advance(2 * DAY);
      expect(await gu.stats()).toMatchObject({ guests: 1, expired: 1 });
      return { gu, guest };
    };

    it("deleteExpired(), filterExpired() and stats() refuse a typo and delete nothing", async () => {
      const { gu, guest } = await withExpiredGuest();
      const where = "guestUsers.deleteExpired()";
      const dry = await refusal(() => gu.deleteExpired({ dryrun: false } as never));
      expect(dry.option).toBe("dryrun");
      expect(dry.message).toBe(unknown("dryrun", "dryRun", where));
      expect((await refusal(() => gu.deleteExpired({ batchsize: 10 } as never))).message).toBe(
        unknown("batchsize", "batchSize", where),
      );
      expect(await gu.getGuest(guest)).not.toBeNull();
      expect(await gu.stats()).toMatchObject({ guests: 1, expired: 1 });

      const pages = async () => {
        for await (const _ of gu.filterExpired({ pagesize: 10 } as never)) {
          // never reached
        }
      };
      expect((await refusal(pages)).message).toBe(
        unknown("pagesize", "pageSize", "guestUsers.filterExpired()"),
      );
      expect((await refusal(() => gu.stats({ maxage: 60 } as never))).message).toBe(
        unknown("maxage", "maxAge", "guestUsers.stats()"),
      );
      // The right keys still work.
      expect(await gu.stats({ maxAge: DAY })).toMatchObject({ expired: 1 });
      const listed = [];
      for await (const row of gu.filterExpired({ maxAge: DAY, pageSize: 10 })) listed.push(row);
      expect(listed).toHaveLength(1);
      expect(await gu.deleteExpired({ dryRun: false, batchSize: 10 })).toMatchObject({
        deleted: 1,
      });
    });

    it("funnel(), listGuests() and deleteGuests() refuse a typo; the guest stays", async () => {
      const { gu, guest } = await withExpiredGuest();
      expect((await refusal(() => gu.funnel({ day: 7 } as never))).message).toBe(
        unknown("day", "days", "guestUsers.funnel()"),
      );
      expect((await refusal(() => gu.listGuests({ filters: "expired" } as never))).message).toBe(
        unknown("filters", "filter", "guestUsers.listGuests()"),
      );
      expect((await refusal(() => gu.listGuests({ limt: 10 } as never))).message).toBe(
        unknown("limt", "limit", "guestUsers.listGuests()"),
      );
      expect(
        (await refusal(() => gu.deleteGuests([guest.id], { bye: "admin" } as never))).message,
      ).toBe(unknown("bye", "by", "guestUsers.deleteGuests()"));
      expect(await gu.getGuest(guest)).not.toBeNull();
      expect((await gu.funnel({ days: 7 })).totals.deleted).toBe(0);
      expect((await gu.listGuests({ filter: "expired", limit: 10 })).guests).toHaveLength(1);
    });

    it("deleteUser() refuses a typo and deletes no one", async () => {
      const { gu, guest } = await withExpiredGuest();
      const error = await refusal(() => gu.deleteUser(guest, { By: "self" } as never));
      expect(error.message).toBe(unknown("By", "by", "guestUsers.deleteUser()"));
      expect(await gu.getUser(guest)).not.toBeNull();
      expect(await gu.deleteUser(guest, { by: "self" })).toBe(true);
    });

    it("convert() and createUser() refuse a typo and register no one", async () => {
      const { gu, guest } = await withExpiredGuest();
      const converting = await refusal(() =>
        gu.convert(guest, form("ada"), { acceptTerm: null } as never),
      );
      expect(converting.message).toBe(unknown("acceptTerm", "acceptTerms", "guestUsers.convert()"));
      expect(await gu.isGuestUser(guest)).toBe(true);
      const creating = await refusal(() =>
        gu.createUser(form("grace"), { accept_terms: null } as never),
      );
      expect(creating.message).toBe(
        unknown("accept_terms", "acceptTerms", "guestUsers.createUser()"),
      );
      expect(await gu.authenticate({ username: "grace", password: PASSWORD })).toBeNull();
      expect((await gu.convert(guest, form("ada"), { acceptTerms: null })).isGuest).toBe(false);
    });

    it("createGuestUser() and createGuestSession() refuse a typo and create no guest", async () => {
      const { gu } = await withExpiredGuest();
      expect((await refusal(() => gu.createGuestUser({ name: "Ann" } as never))).message).toBe(
        unknown("name", "username", "guestUsers.createGuestUser()"),
      );
      expect(
        (await refusal(() => gu.createGuestSession({ creationkey: "k" } as never))).message,
      ).toBe(unknown("creationkey", "creationKey", "guestUsers.createGuestSession()"));
      expect((await gu.stats()).guests).toBe(1);
    });

    it("signInWithIdentity() and connectIdentity() refuse a typo and create no user", async () => {
      const { gu, guest } = await withExpiredGuest();
      const identity = { provider: "github", subject: "42" };
      const current = await gu.getUser(guest);
      expect(
        (await refusal(() => gu.signInWithIdentity(identity, { curent: current } as never)))
          .message,
      ).toBe(unknown("curent", "current", "guestUsers.signInWithIdentity()"));
      expect(
        (await refusal(() => gu.connectIdentity(identity, { curent: current } as never))).message,
      ).toBe(unknown("curent", "current", "guestUsers.connectIdentity()"));
      expect(await gu.identitiesOf(guest)).toEqual([]);
      expect(await gu.isGuestUser(guest)).toBe(true);
      expect((await gu.connectIdentity(identity, { current })).outcome).toBe("converted");
    });
  },
  ["sqlite"],
);

describe("the per-call key lists", () => {
  it("list exactly the keys of their method's options (checked by tsc)", () => {
    type Keys<T> = keyof NonNullable<T>;
    expectTypeOf<keyof typeof FILTER_EXPIRED_OPTION_KEYS>().toEqualTypeOf<
      Keys<Parameters<GuestUsers["filterExpired"]>[0]>
    >();
    expectTypeOf<keyof typeof STATS_OPTION_KEYS>().toEqualTypeOf<
      Keys<Parameters<GuestUsers["stats"]>[0]>
    >();
    expectTypeOf<keyof typeof CURRENT_USER_OPTION_KEYS>().toEqualTypeOf<
      Keys<Parameters<GuestUsers["connectIdentity"]>[1]>
    >();
    expectTypeOf<keyof typeof CURRENT_USER_OPTION_KEYS>().toEqualTypeOf<
      Keys<Parameters<GuestUsers["signInWithIdentity"]>[1]>
    >();
  });
});
