import { expect } from "vitest";
import type { DeleteExpiredResult, GuestUsers, User } from "../../src/index.ts";

/** The password every racing conversion uses. */
export const RACE_PASSWORD = "Zebra-Quantum-77!";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Converts `toConvert` (each after 0-3 ms) while `deleteExpired({ batchSize: 5 })` starts
 * after `cleanerDelay` ms: the race clean-up must never win against a conversion. A guest the
 * cleaner got first must fail with NOT_GUEST. Returns the clean-up's result and the guests
 * that converted (with their new usernames).
 *
 * @example
 * ```ts
 * const { cleaned, converts } = await convertWhileCleaning(gu, batch, round, 5);
 * expect(cleaned.deleted + converts.length).toBe(batch.length);
 * ```
 */
export async function convertWhileCleaning(
  gu: GuestUsers,
  toConvert: readonly User[],
  round: number,
  cleanerDelay: number,
): Promise<{ cleaned: DeleteExpiredResult; converts: { guest: User; username: string }[] }> {
  const converting = toConvert.map(async (guest, i) => {
    await wait(i % 4);
    const username = `round${round}_user${i}`;
    try {
      await gu.convert(guest, { username, password1: RACE_PASSWORD, password2: RACE_PASSWORD });
      return { guest, username };
    } catch (error) {
      expect(error).toMatchObject({ code: "NOT_GUEST" });
      return null;
    }
  });
  const cleaning = wait(cleanerDelay).then(() => gu.deleteExpired({ batchSize: 5 }));
  const [cleaned, ...converted] = await Promise.all([cleaning, ...converting]);
  return { cleaned, converts: converted.filter((c) => c !== null) };
}
