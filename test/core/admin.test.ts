import { expect, it } from "vitest";
import type { AdminGuest, GuestUsers, ListGuestsOptions, User, UserId } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const person = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });

let prefixes = 0;
const freshPrefix = () => `ad${++prefixes}_`;

/** Every page of the list, following `next`. */
async function allPages(gu: GuestUsers, options: ListGuestsOptions) {
  const pages: AdminGuest[][] = [];
  let after: string | null = null;
  do {
    const page = await gu.listGuests({ ...options, after });
    pages.push([...page.guests]);
    after = page.next;
    expect(pages.length).toBeLessThan(100);
  } while (after);
  return pages;
}

const names = (guests: readonly { username: string }[]) => guests.map((g) => g.username);

describeEachDatabase("the admin's guest list", (fx) => {
  it("lists guests newest first, pages by keyset without repeating or skipping ties", async () => {
    const clock = testClock();
    const gu = await fx.open({ tablePrefix: freshPrefix(), clock: clock.now });
    await gu.createUser(person("registered_member"));
    const made: User[] = [];
    // Three creation times, seven guests each: many rows share a created_at.
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < 7; i++) made.push(await gu.createGuestUser({ username: `g${t}_${i}` }));
      clock.advance(60);
    }
    const expected = [...made]
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || Number(b.id) - Number(a.id))
      .map((u) => u.username);

    for (const limit of [1, 3, 5, 7, 21, 50]) {
      const pages = await allPages(gu, { limit });
      expect(names(pages.flat()), `limit ${limit}`).toEqual(expected);
      expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    }
    const first = await gu.listGuests({ limit: 21 });
    expect(first.next).toBeNull();
    expect(first.guests[0]).toEqual({
      id: made[20]?.id,
      username: "g2_6",
      createdAt: made[20]?.createdAt,
      lastSeenAt: made[20]?.createdAt,
      expired: false,
      dataSize: 0,
    });
    // Guests made after a page was read never shift the following pages.
    const page1 = await gu.listGuests({ limit: 5 });
    await gu.createGuestUser({ username: "newcomer" });
    const page2 = await gu.listGuests({ limit: 5, after: page1.next });
    expect(names(page2.guests)).toEqual(expected.slice(5, 10));
  });

  it("filters active and expired guests by the expiry rule, and flags each row", async () => {
    const clock = testClock();
    const prefix = freshPrefix();
    const gu = await fx.open({ tablePrefix: prefix, clock: clock.now, maxAge: DAY });
    const old = [
      await gu.createGuestUser({ username: "old_a" }),
      await gu.createGuestUser({ username: "old_b" }),
    ];
    clock.advance(2 * DAY);
    await gu.createGuestUser({ username: "new_a" });
    await gu.createGuestUser({ username: "new_b" });
    await gu.createGuestUser({ username: "new_c" });

    expect(names((await gu.listGuests({ filter: "active" })).guests)).toEqual([
      "new_c",
      "new_b",
      "new_a",
    ]);
    const expired = await gu.listGuests({ filter: "expired" });
    expect(names(expired.guests)).toEqual(["old_b", "old_a"]);
    expect(expired.guests.every((g) => g.expired)).toBe(true);
    const all = (await gu.listGuests()).guests;
    expect(all.map((g) => [g.username, g.expired])).toEqual([
      ["new_c", false],
      ["new_b", false],
      ["new_a", false],
      ["old_b", true],
      ["old_a", true],
    ]);
    // Paging within a filter.
    expect(names((await allPages(gu, { filter: "active", limit: 2 })).flat())).toEqual([
      "new_c",
      "new_b",
      "new_a",
    ]);
    // The same rule as clean-up: what the list calls expired is what it deletes.
    expect((await gu.deleteExpired()).deleted).toBe(2);
    expect(await gu.getUser(old[0] as User)).toBeNull();

    // expireBy lastSeenAt: an old guest seen recently is active.
    const byLastSeen = await fx.open({
      tablePrefix: prefix,
      clock: clock.now,
      maxAge: DAY,
      expireBy: "lastSeenAt",
      session: { maxAge: 30 * DAY, refreshInterval: 60 },
    });
    const { user, session } = await byLastSeen.createGuestSession({ username: "returning" });
    clock.advance(3 * DAY);
    await byLastSeen.validateSession(session.token);
    expect(names((await byLastSeen.listGuests({ filter: "active" })).guests)).toEqual([
      "returning",
    ]);
    expect(names((await byLastSeen.listGuests({ filter: "expired" })).guests)).toEqual([
      "new_c",
      "new_b",
      "new_a",
    ]);
    expect((await byLastSeen.listGuests()).guests.find((g) => g.id === user.id)?.expired).toBe(
      false,
    );
  });

  it("searches by username prefix without regard to case, wildcards taken literally", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    for (const username of ["Alpha1", "alpha2", "ALPINE", "beta", "al%pha", "al_x", "xalpha"])
      await gu.createGuestUser({ username });
    await gu.createUser(person("alpha_member"));

    const search = async (q: string) => names((await gu.listGuests({ q })).guests).sort();
    expect(await search("alp")).toEqual(["ALPINE", "Alpha1", "alpha2"]);
    expect(await search("ALPH")).toEqual(["Alpha1", "alpha2"]);
    expect(await search("  alpha1 ")).toEqual(["Alpha1"]);
    expect(await search("al%")).toEqual(["al%pha"]);
    expect(await search("al_")).toEqual(["al_x"]);
    expect(await search("zzz")).toEqual([]);
    expect(await search("")).toHaveLength(7);
    // A search lists in username order (without regard to case), page by page: code point
    // order on SQLite and PostgreSQL, the column's collation on MySQL/MariaDB.
    const pages = await allPages(gu, { q: "al", limit: 2, filter: "active" });
    const found = names(pages.flat()).map((name) => name.toLowerCase());
    const expected = ["al%pha", "al_x", "alpha1", "alpha2", "alpine"];
    if (fx.dialect === "mysql") expect([...found].sort()).toEqual(expected);
    else expect(found).toEqual(expected);
    // A search's cursor is no cursor for the plain list, nor the other way round.
    const searchCursor = (await gu.listGuests({ q: "al", limit: 1 })).next;
    const listCursor = (await gu.listGuests({ limit: 1 })).next;
    await expect(gu.listGuests({ after: searchCursor })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(gu.listGuests({ q: "al", after: listCursor })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });

  it("reports the size of each guest's data", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    const small = await gu.createGuestUser({ username: "small", data: { a: 1 } });
    const big = await gu.createGuestUser({ username: "big", data: { text: "x".repeat(2000) } });
    await gu.createGuestUser({ username: "none" });
    const sizes = Object.fromEntries(
      (await gu.listGuests()).guests.map((g) => [g.username, g.dataSize]),
    );
    expect(sizes.none).toBe(0);
    expect(sizes.small).toBeGreaterThanOrEqual(JSON.stringify({ a: 1 }).length);
    expect(sizes.small).toBeLessThan(20);
    expect(sizes.big).toBeGreaterThan(2000);
    expect(sizes.big).toBeLessThan(2100);
    expect((await gu.getGuests([small.id, big.id])).map((g) => g.username).sort()).toEqual([
      "big",
      "small",
    ]);
  });

  it("refuses a bad filter, limit or cursor, naming it", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    const cases: [ListGuestsOptions, string][] = [
      [{ filter: "old" as never }, "filter"],
      [{ limit: 0 }, "limit"],
      [{ limit: 501 }, "limit"],
      [{ limit: 2.5 }, "limit"],
      [{ after: "not a cursor" }, "after"],
      [{ after: Buffer.from("[1]").toString("base64url") }, "after"],
      [{ after: Buffer.from('["x",1]').toString("base64url") }, "after"],
    ];
    for (const [options, field] of cases) {
      const error = await gu.listGuests(options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toMatchObject({ code: "VALIDATION_FAILED" });
      expect(Object.keys((error as { fieldErrors: object }).fieldErrors)).toEqual([field]);
    }
  });
});

describeEachDatabase("deleting guests from the admin", (fx) => {
  it("deletes only the guests among the ids, in one go, and reports each deletion", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    const deleted: { user: User; by: string }[] = [];
    gu.on("deleted", (event) => {
      deleted.push(event);
    });
    const member = await gu.createUser(person("member"));
    const guests = await Promise.all([1, 2, 3, 4].map(() => gu.createGuestUser()));
    const [a, b, c, d] = guests as [User, User, User, User];
    const converted = await gu.createGuestUser();
    await gu.convert(converted, person("was_a_guest"));

    // Strings as a form posts them, a duplicate, a registered user, a converted guest, nobody.
    const ids: unknown[] = [String(a.id), b.id, b.id, c.id, member.id, converted.id, 999_999];
    expect(await gu.deleteGuests(ids, { by: "admin" })).toBe(3);

    for (const user of [a, b, c]) expect(await gu.getUser(user)).toBeNull();
    expect(await gu.getUser(d)).toMatchObject({ isGuest: true });
    expect(await gu.getUser(member)).toMatchObject({ isGuest: false });
    expect(await gu.getUser(converted)).toMatchObject({ username: "was_a_guest" });
    expect(deleted.map((e) => [Number(e.user.id), e.by, e.user.isGuest]).sort()).toEqual(
      [a, b, c].map((u) => [Number(u.id), "admin", true]).sort(),
    );
    expect((await gu.funnel()).totals.deleted).toBe(3);
    // Nothing (left) to delete.
    expect(await gu.deleteGuests([member.id, a.id])).toBe(0);
    expect(await gu.deleteGuests([])).toBe(0);
    expect((await gu.funnel()).totals.deleted).toBe(3);
  });

  it("runs beforeDelete with the guests' ids only; a throw deletes nothing", async () => {
    const calls: UserId[][] = [];
    let fail = true;
    const gu = await fx.open({
      tablePrefix: freshPrefix(),
      beforeDelete: ({ userIds }) => {
        calls.push([...userIds]);
        if (fail) throw new Error("billing is down");
      },
    });
    const member = await gu.createUser(person("member"));
    const guest = await gu.createGuestUser();

    await expect(gu.deleteGuests([guest.id, member.id])).rejects.toThrow("billing is down");
    expect(await gu.getUser(guest)).toMatchObject({ isGuest: true });
    expect((await gu.funnel()).totals.deleted).toBe(0);

    fail = false;
    expect(await gu.deleteGuests([guest.id, member.id])).toBe(1);
    expect(calls).toEqual([[guest.id], [guest.id]]);
    // Only registered users posted: the hook is not called.
    expect(await gu.deleteGuests([member.id])).toBe(0);
    expect(calls).toHaveLength(2);
    expect(await gu.getUser(member)).not.toBeNull();
  });

  it("refuses malformed ids and too many at once, deleting nothing", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    const guest = await gu.createGuestUser();
    for (const bad of [["abc"], [guest.id, "1; drop table x"], [{}], [1.5]]) {
      await expect(gu.deleteGuests(bad), JSON.stringify(bad)).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    }
    const many = Array.from({ length: 1001 }, (_, i) => i + 1);
    await expect(gu.deleteGuests(many)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await gu.getUser(guest)).toMatchObject({ isGuest: true });
  });

  it("never deletes a guest that converts at the same moment", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    let converts = 0;
    let deletes = 0;
    for (let round = 0; round < 12; round++) {
      const guest = await gu.createGuestUser();
      const username = `racer_${round}`;
      const [converted, deleted] = await Promise.all([
        gu.convert(guest, person(username)).then(
          () => true,
          (error: unknown) => {
            expect(error).toMatchObject({ code: "NOT_GUEST" });
            return false;
          },
        ),
        new Promise((resolve) => setTimeout(resolve, round % 4)).then(() =>
          gu.deleteGuests([guest.id]),
        ),
      ]);
      expect(Number(converted) + deleted, `round ${round}`).toBe(1);
      const after = await gu.getUser(guest);
      if (converted) {
        converts++;
        expect(after).toMatchObject({ username, isGuest: false });
      } else {
        deletes++;
        expect(after).toBeNull();
      }
    }
    expect(converts + deletes).toBe(12);
  });
});
