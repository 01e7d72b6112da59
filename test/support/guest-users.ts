import { afterAll, beforeAll, describe } from "vitest";
import { createGuestUsers, type GuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import {
  availableDialects,
  type DialectName,
  type IsolatedDatabase,
  isolatedDatabase,
} from "./databases.ts";

/** Cheap scrypt parameters: tests hash many passwords; production keeps the strong default. */
export const FAST_HASHING = { logN: 10, r: 8, p: 1 } as const;

/** A clock tests can move. */
export function testClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export interface DatabaseFixture {
  readonly dialect: DialectName;
  /** The isolated database of this describe block. */
  database(): IsolatedDatabase;
  /** A migrated GuestUsers on the isolated database (closed after the block). */
  open(options?: GuestUsersOptions): Promise<GuestUsers>;
}

/**
 * Runs `body` once per available database, each in a database of its own that is created
 * before and dropped after.
 *
 * @example
 * ```ts
 * describeEachDatabase("convert", (fx) => {
 *   it("works", async () => { const gu = await fx.open(); ... });
 * });
 * ```
 */
export function describeEachDatabase(
  name: string,
  body: (fixture: DatabaseFixture) => void,
  /** The databases this suite is about (what it tests does not exist on the others). */
  only: readonly DialectName[] = ["sqlite", "postgres", "mysql"],
) {
  const all = only;
  const available = availableDialects();
  for (const dialect of all) {
    const run = available.includes(dialect) ? describe : describe.skip;
    run(`${name} [${dialect}]`, () => {
      let database: IsolatedDatabase | undefined;
      const opened: GuestUsers[] = [];
      beforeAll(async () => {
        database = await isolatedDatabase(dialect);
      });
      afterAll(async () => {
        for (const guestUsers of opened) await guestUsers.close();
        await database?.drop();
      });
      body({
        dialect,
        database: () => database as IsolatedDatabase,
        async open(options = {}) {
          const guestUsers = createGuestUsers({
            passwordHashing: FAST_HASHING,
            logger: { warn() {}, error() {} },
            ...options,
            database: options.database ?? (database as IsolatedDatabase).url,
          });
          opened.push(guestUsers);
          await guestUsers.migrate();
          return guestUsers;
        },
      });
    });
  }
}
