import { sql } from "kysely";
import { expect, it } from "vitest";
import type { User } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const DAY = 86_400;

/**
 * PostgreSQL and MySQL/MariaDB: clean-up batches resume where the last one stopped and skip
 * the guests a conversion holds (SKIP LOCKED); one more pass from the oldest picks up those
 * that were let go meanwhile. (SQLite has no row locks: a writer has the whole database.)
 */
describeEachDatabase(
  "deleteExpired's final pass",
  (fx) => {
    it("deletes an expired guest that was locked during the first pass and let go after", async () => {
      const clock = testClock();
      const gu = await fx.open({ tablePrefix: "final_", clock: clock.now, maxAge: DAY });
      const oldest: User = await gu.createGuestUser();
      clock.advance(1);
      const others: User[] = [];
      for (let i = 0; i < 9; i++) {
        others.push(await gu.createGuestUser());
        clock.advance(1);
      }
      clock.advance(2 * DAY);
      const guests = sql.table(gu.settings.tables.guests);

      // Another transaction holds the oldest guest's row, as a conversion does.
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = gu.db.transaction().execute(async (trx) => {
        await sql`select user_id from ${guests} where user_id = ${oldest.id} for update`.execute(
          trx,
        );
        locked();
        await released;
      });
      await isLocked;

      const seen: number[] = [];
      const result = await gu.deleteExpired({
        batchSize: 2,
        // After the first batch (which skipped the held guest), the conversion ends.
        onProgress: ({ deleted }) => {
          seen.push(deleted);
          release();
        },
      });
      await holder;

      expect(result.deleted).toBe(10);
      expect(await gu.getUser(oldest)).toBeNull();
      for (const user of others) expect(await gu.getUser(user)).toBeNull();
      // The held guest went in a pass after the ones that deleted the other nine.
      expect(seen.at(-1)).toBe(10);
      expect(seen.filter((n) => n >= 9).length).toBeGreaterThanOrEqual(2);
    });
  },
  ["postgres", "mysql"],
);
