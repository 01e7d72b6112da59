/**
 * A misspelled key in the options of a factory (the form and its password rules, the name
 * generator, the PostgreSQL and MySQL connectors and prepared-statement pools) fails with
 * INVALID_CONFIG naming the key and the closest known one. The GuestUsers methods' options
 * are typed, not checked on each call, except where a typo would delete what was not meant:
 * `deleteExpired()` and `deleteGuests()` refuse one and delete nothing. For the others a
 * misspelled key is a compile error.
 */
import mysql from "mysql2";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { GuestUsers } from "../../src/core/guest-users.ts";
import {
  commonPasswordValidator,
  minimumLengthValidator,
  userAttributeSimilarityValidator,
} from "../../src/core/model/forms/password-validators.ts";
import { userCreationForm } from "../../src/core/model/forms/user-creation-form.ts";
import { numberedNameGenerator } from "../../src/core/model/usernames/numbered.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { mysqlDatabase, preparedStatementMysqlPool } from "../../src/store/dialects/mysql.ts";
import { postgresDatabase, preparedStatementPool } from "../../src/store/dialects/postgres.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const DAY = 86_400;

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
  "unknown options of the GuestUsers methods that delete",
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

    it("deleteExpired() refuses a typo and deletes nothing", async () => {
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
      // The right keys still work.
      expect(await gu.deleteExpired({ dryRun: false, batchSize: 10 })).toMatchObject({
        deleted: 1,
      });
    });

    it("deleteGuests() refuses a typo; the guest stays", async () => {
      const { gu, guest } = await withExpiredGuest();
      expect(
        (await refusal(() => gu.deleteGuests([guest.id], { bye: "admin" } as never))).message,
      ).toBe(unknown("bye", "by", "guestUsers.deleteGuests()"));
      expect(await gu.getGuest(guest)).not.toBeNull();
      expect(await gu.deleteGuests([guest.id], { by: "admin" })).toBe(1);
    });
  },
  ["sqlite"],
);

describe("the other GuestUsers methods' options", () => {
  it("are typed: a misspelled key does not compile (checked by tsc; remove an @ts-expect-error to see)", () => {
    // Never called: types only.
    const misspelled = async (gu: GuestUsers, user: { id: number }) => {
      const identity = { provider: "github", subject: "42" };
      // @ts-expect-error `pagesize` is not an option of filterExpired() (`pageSize` is)
      gu.filterExpired({ pagesize: 10 });
      // @ts-expect-error `maxage` is not an option of stats() (`maxAge` is)
      await gu.stats({ maxage: 60 });
      // @ts-expect-error `day` is not an option of funnel() (`days` is)
      await gu.funnel({ day: 7 });
      // @ts-expect-error `filters` is not an option of listGuests() (`filter` is)
      await gu.listGuests({ filters: "expired" });
      // @ts-expect-error `By` is not an option of deleteUser() (`by` is)
      await gu.deleteUser(user, { By: "self" });
      // @ts-expect-error `acceptTerm` is not an option of convert() (`acceptTerms` is)
      await gu.convert(user, {}, { acceptTerm: null });
      // @ts-expect-error `accept_terms` is not an option of createUser() (`acceptTerms` is)
      await gu.createUser({}, { accept_terms: null });
      // @ts-expect-error `name` is not an option of createGuestUser() (`username` is)
      await gu.createGuestUser({ name: "Ann" });
      // @ts-expect-error `creationkey` is not an option of createGuestSession() (`creationKey` is)
      await gu.createGuestSession({ creationkey: "k" });
      // @ts-expect-error `curent` is not an option of signInWithIdentity() (`current` is)
      await gu.signInWithIdentity(identity, { curent: null });
      // @ts-expect-error `curent` is not an option of connectIdentity() (`current` is)
      await gu.connectIdentity(identity, { curent: null });
    };
    expect(misspelled).toBeTypeOf("function");
  });
});
