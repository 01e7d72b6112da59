import { sql } from "kysely";
import { expect, it } from "vitest";
import { guestExpiresAt, isGuestExpired } from "../../src/core/runtime/expiry.ts";
import type {
  GuestUsers,
  GuestUsersOptions,
  KeepIf,
  RetentionOptions,
  User,
  UserId,
} from "../../src/index.ts";
import { notesTable } from "../support/app-tables.ts";
import { convertWhileCleaning } from "../support/conversion-race.ts";
import { type DatabaseFixture, describeEachDatabase } from "../support/guest-users.ts";

// The retention rule (`retention: { maxAge, keepIf, maxAgeIfKept }`) on the three databases,
// with an app table of notes: clean-up, stats, the listing, the admin, a guest's own expiry
// date all apply the same rule (the CLI: test/cli/retention.test.ts; the option's checks:
// retention-settings.test.ts).

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });

let prefixes = 0;
const freshPrefix = () => `rt${++prefixes}_`;

/**
 * "Owns a note", written as an app would, with an UNQUALIFIED `user_id`: the notes table has
 * one too, so this only works because the library qualifies the guest's id.
 */
const ownsANote =
  (table: string): KeepIf =>
  (userId) =>
    sql`exists (select 1 from ${sql.table(table)} where user_id = ${userId})`;

const sorted = (values: readonly UserId[]) => values.map(Number).sort((a, b) => a - b);

async function expiredIds(gu: GuestUsers): Promise<number[]> {
  const ids: UserId[] = [];
  for await (const guest of gu.filterExpired({ pageSize: 2 })) ids.push(guest.userId);
  return sorted(ids);
}

async function adminIds(gu: GuestUsers, filter: "expired" | "active"): Promise<number[]> {
  const page = await gu.listGuests({ filter, limit: 100 });
  return sorted(page.guests.map((guest) => guest.id));
}

/** A clock moved in milliseconds (exact, where seconds * 1000 may round). */
function msClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += Math.round(seconds * 1000);
    },
    set(at: number) {
      now = at;
    },
  };
}

/** A GuestUsers with the notes rule on fresh tables, its clock, and the notes table. */
async function setup(
  fx: DatabaseFixture,
  retention: RetentionOptions,
  options: GuestUsersOptions = {},
) {
  const clock = msClock();
  const tablePrefix = freshPrefix();
  const gu = await fx.open({
    ...options,
    tablePrefix,
    clock: clock.now,
    retention: { keepIf: ownsANote(`${tablePrefix}notes`), ...retention },
  });
  const notes = await notesTable(gu, fx.dialect, tablePrefix);
  return { gu, clock, notes, tablePrefix };
}

describeEachDatabase("retention rules", (fx) => {
  it("keeps guests with notes past maxAge until maxAgeIfKept; the others go after maxAge", async () => {
    const { gu, clock, notes } = await setup(fx, { maxAge: DAY, maxAgeIfKept: 10 * DAY });
    const withNotes = await gu.createGuestUser();
    const without = await gu.createGuestUser();
    await notes.add(withNotes.id, "keep me");
    // Registered users, with notes and without, created as long ago: never touched.
    const member = await gu.convert(await gu.createGuestUser(), form("member_notes"));
    await notes.add(member.id, "member note");
    const plain = await gu.convert(await gu.createGuestUser(), form("member_plain"));
    clock.advance(2 * DAY);
    const young = await gu.createGuestUser();

    expect(await gu.stats()).toEqual({ guests: 3, expired: 1, kept: 1 });
    expect(await expiredIds(gu)).toEqual(sorted([without.id]));
    expect(await adminIds(gu, "expired")).toEqual(sorted([without.id]));
    expect(await adminIds(gu, "active")).toEqual(sorted([withNotes.id, young.id]));
    const flags = (await gu.listGuests({ limit: 100 })).guests.map(
      (g) => [g.id, g.expired] as const,
    );
    expect(new Map(flags)).toEqual(
      new Map([
        [withNotes.id, false],
        [without.id, true],
        [young.id, false],
      ]),
    );
    const selected = await gu.getGuests([withNotes.id, without.id]);
    expect(new Map(selected.map((g) => [g.id, g.expired] as const))).toEqual(
      new Map([
        [withNotes.id, false],
        [without.id, true],
      ]),
    );
    expect(await gu.isExpired(withNotes)).toBe(false);
    expect(await gu.isExpired(without)).toBe(true);
    expect(await gu.expiresAt(withNotes)).toBe((withNotes.createdAt ?? 0) + 10 * DAY * 1000);
    expect(await gu.expiresAt(without)).toBe((without.createdAt ?? 0) + DAY * 1000);

    expect(await gu.deleteExpired({ batchSize: 1 })).toMatchObject({
      deleted: 1,
      expired: 1,
      kept: 1,
      dryRun: false,
    });
    expect(await gu.getUser(without)).toBeNull();
    expect(await gu.getUser(withNotes)).toMatchObject({ isGuest: true });
    expect(await notes.of(withNotes.id)).toEqual(["keep me"]);

    // Past maxAgeIfKept the kept guest goes too, its notes with it (ON DELETE CASCADE).
    clock.advance(9 * DAY);
    expect(await gu.stats()).toEqual({ guests: 2, expired: 2, kept: 1 });
    expect(await gu.isExpired(withNotes)).toBe(true);
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 2, expired: 2, kept: 1 });
    expect(await gu.getUser(withNotes)).toBeNull();
    expect(await notes.of(withNotes.id)).toEqual([]);
    expect(await gu.stats()).toEqual({ guests: 0, expired: 0, kept: 0 });

    clock.advance(3650 * DAY);
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 0 });
    expect(await gu.getUser(member)).toMatchObject({ username: "member_notes", isGuest: false });
    expect(await gu.getUser(plain)).toMatchObject({ username: "member_plain", isGuest: false });
    expect(await notes.of(member.id)).toEqual(["member note"]);
    expect(await gu.isExpired(member)).toBe(false);
    expect(await gu.expiresAt(member)).toBeNull();
  });

  it("keeps guests with notes forever when maxAgeIfKept is null", async () => {
    const { gu, clock, notes } = await setup(fx, { maxAge: DAY, maxAgeIfKept: null });
    const withNotes = await gu.createGuestUser();
    const without = await gu.createGuestUser();
    await notes.add(withNotes.id, "forever");
    clock.advance(3650 * DAY);

    expect(await gu.stats()).toEqual({ guests: 2, expired: 1, kept: 1 });
    expect(await gu.expiresAt(withNotes)).toBeNull();
    expect(await gu.isExpired(withNotes)).toBe(false);
    expect(await adminIds(gu, "active")).toEqual(sorted([withNotes.id]));
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 1, expired: 1, kept: 1 });
    expect(await gu.getUser(without)).toBeNull();
    expect(await gu.getUser(withNotes)).toMatchObject({ isGuest: true });
    // A guest that loses its notes is no longer kept: it goes at the next clean-up.
    await sql`delete from ${sql.table(notes.table)}`.execute(gu.db);
    expect(await gu.stats()).toEqual({ guests: 1, expired: 1, kept: 0 });
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 1 });
  });

  it("keeps kept guests SHORTER when maxAgeIfKept < maxAge", async () => {
    const { gu, clock, notes } = await setup(fx, { maxAge: 10 * DAY, maxAgeIfKept: DAY });
    const withNotes = await gu.createGuestUser();
    const without = await gu.createGuestUser();
    await notes.add(withNotes.id, "short-lived");
    clock.advance(2 * DAY);
    expect(await gu.stats()).toEqual({ guests: 2, expired: 1, kept: 1 });
    expect(await expiredIds(gu)).toEqual(sorted([withNotes.id]));
    expect(await adminIds(gu, "expired")).toEqual(sorted([withNotes.id]));
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 1 });
    expect(await gu.getUser(without)).toMatchObject({ isGuest: true });
  });

  for (const expireBy of ["createdAt", "lastSeenAt"] as const) {
    it(`agrees to the millisecond: expiresAt, isExpired, stats, filterExpired, admin, clean-up (${expireBy})`, async () => {
      const setUp = await setup(fx, { maxAge: DAY, maxAgeIfKept: 3 * DAY }, { expireBy });
      const { gu: rules, clock, notes } = setUp;
      const kept = await rules.createGuestUser();
      const plain = await rules.createGuestUser();
      await notes.add(kept.id, "n");
      for (const [guest, isKept] of [
        [plain, false],
        [kept, true],
      ] as const) {
        const at = await rules.expiresAt(guest);
        const record = await rules.getGuest(guest);
        expect(record).not.toBeNull();
        if (!record) return;
        expect(at).toBe(guestExpiresAt(record, rules.settings, isKept));
        expect(at).not.toBeNull();
        clock.set(at ?? 0);
        // At the deadline itself: not yet.
        expect(await rules.isExpired(guest)).toBe(false);
        expect(isGuestExpired(record, rules.settings, isKept)).toBe(false);
        expect(await expiredIds(rules)).not.toContain(Number(guest.id));
        expect(await adminIds(rules, "expired")).not.toContain(Number(guest.id));
        expect(await rules.deleteExpired({ dryRun: true })).toMatchObject({
          expired: isKept ? 1 : 0,
        });
        // One millisecond later: expired everywhere.
        clock.advance(0.001);
        expect(await rules.isExpired(guest)).toBe(true);
        expect(await rules.isExpired(record)).toBe(true);
        expect(isGuestExpired(record, rules.settings, isKept)).toBe(true);
        expect(await expiredIds(rules)).toContain(Number(guest.id));
        expect(await adminIds(rules, "expired")).toContain(Number(guest.id));
        expect(await adminIds(rules, "active")).not.toContain(Number(guest.id));
      }
      expect(await rules.stats()).toEqual({ guests: 2, expired: 2, kept: 1 });
      expect(await rules.deleteExpired()).toMatchObject({ deleted: 2 });
    });
  }

  it("never deletes a guest that converts while the clean-up runs", async () => {
    const { gu, clock, notes } = await setup(fx, { maxAge: DAY, maxAgeIfKept: 2 * DAY });
    const registered = new Map<UserId, string>();
    let won = 0;
    let lost = 0;
    for (const [round, cleanerDelay] of [0, 2, 5, 10, 20].entries()) {
      const batch: User[] = [];
      for (let i = 0; i < 40; i++) batch.push(await gu.createGuestUser());
      // Half own a note: after 3 days all 40 are expired, by one cutoff or the other.
      for (const [i, guest] of batch.entries()) if (i % 2 === 1) await notes.add(guest.id, "x");
      clock.advance(3 * DAY);
      const toConvert = batch.filter((_, i) => i % 4 < 2);
      const { cleaned, converts } = await convertWhileCleaning(gu, toConvert, round, cleanerDelay);
      won += converts.length;
      lost += toConvert.length - converts.length;
      expect(cleaned.deleted + converts.length).toBe(40);
      for (const { guest, username } of converts) {
        registered.set(guest.id, username);
        expect(await gu.getUser(guest)).toMatchObject({ username, isGuest: false });
      }
      for (const guest of batch) {
        if (!registered.has(guest.id)) expect(await gu.getUser(guest)).toBeNull();
      }
      expect(await gu.stats()).toEqual({ guests: 0, expired: 0, kept: 0 });
    }
    for (const [id, username] of registered)
      expect(await gu.getUser(id)).toMatchObject({ username, isGuest: false });
    expect(won).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
  });
});
