import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createGuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import { NotGuestError } from "../../src/shared/errors.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { ownedTables } from "../support/owned-tables.ts";

const PASSWORD = "correct horse battery staple";
const PERSON = { password1: PASSWORD, password2: PASSWORD };
const DAY = 86_400;

/** The `ownership` option for {@link ownedTables} under `prefix`. */
const ownershipOf = (
  prefix: string,
  cart: "move" | "keepAccount" | "keepGuest" = "keepAccount",
): GuestUsersOptions["ownership"] => ({
  tables: [
    { table: `${prefix}notes`, column: "user_id" },
    { table: `${prefix}carts`, column: "user_id", onMerge: cart },
  ],
});

describe("the ownership option", () => {
  const refusal = (options: GuestUsersOptions) => {
    try {
      createGuestUsers({ database: "sqlite::memory:", ...options });
    } catch (error) {
      return error as Error & { code: string; option: string };
    }
    throw new Error("accepted");
  };

  it("is checked at start-up: unknown keys with did-you-mean, identifiers, onMerge, ownsData", () => {
    const typo = refusal({
      ownership: { tables: [{ table: "notes", colum: "user_id" } as never] },
    });
    expect(typo.code).toBe("INVALID_CONFIG");
    expect(typo.message).toContain("did you mean `ownership.tables.0.column`?");
    const top = refusal({ ownership: { table: [] } as never });
    expect(top.message).toContain("did you mean `ownership.tables`?");
    const injected = refusal({
      ownership: { tables: [{ table: "notes; drop table users", column: "user_id" }] },
    });
    expect(injected.option).toBe("ownership.tables.0.table");
    expect(injected.message).toContain("a plain SQL identifier");
    const onMerge = refusal({
      ownership: { tables: [{ table: "carts", column: "user_id", onMerge: "keep" as never }] },
    });
    expect(onMerge.message).toContain('"move", "keepAccount", "keepGuest" or a function');
    const twice = refusal({
      ownership: {
        tables: [
          { table: "notes", column: "user_id" },
          { table: "notes", column: "owner_id" },
        ],
      },
    });
    expect(twice.message).toContain("expected each table once");
    const noTables = refusal({ retention: { keepIf: "ownsData" } });
    expect(noTables.option).toBe("retention.keepIf");
    expect(noTables.message).toContain("ownership.tables");
    expect(refusal({ retention: { keepIf: "ownData" as never } }).message).toContain(
      '"ownsData" or a function',
    );
  });
});

describeEachDatabase("ownership: merge, retention and export", (fx) => {
  it("moves notes, and settles the one-per-user cart by its rule, in the merge's transaction", async () => {
    for (const [rule, expected] of [
      ["keepAccount", "account cart"],
      ["keepGuest", "guest cart"],
    ] as const) {
      const prefix = `own_${rule.toLowerCase()}_`;
      const gu = await fx.open({ tablePrefix: prefix, ownership: ownershipOf(prefix, rule) });
      const t = await ownedTables(gu, fx.dialect, prefix);
      const account = await gu.createUser({ username: "owner", ...PERSON });
      const guest = await gu.createGuestUser();
      await t.addNote(account.id, "account note");
      await t.addNote(guest.id, "guest note 1");
      await t.addNote(guest.id, "guest note 2");
      await t.setCart(account.id, "account cart");
      await t.setCart(guest.id, "guest cart");
      // The listeners run after the owned rows moved, in the same transaction.
      const seen: string[][] = [];
      gu.on("merged", async ({ user, db }) => {
        const { rows } = await sql<{ body: string }>`select body from ${sql.table(t.notes)}
          where user_id = ${user.id} order by body`.execute(db);
        seen.push(rows.map((row) => row.body));
      });
      expect(await gu.mergeGuest(guest, account)).toBe(true);
      expect(await t.notesOf(account.id)).toEqual(["account note", "guest note 1", "guest note 2"]);
      expect(await t.cartOf(account.id)).toBe(expected);
      expect(seen).toEqual([["account note", "guest note 1", "guest note 2"]]);
      expect(await gu.getUser(guest.id)).toBeNull();
      expect(await t.countAll()).toEqual({ notes: 3, carts: 1 });
    }
  });

  it("moves the guest's cart when the account has none, needs no merged listener", async () => {
    const gu = await fx.open({ tablePrefix: "own_b_", ownership: ownershipOf("own_b_") });
    const t = await ownedTables(gu, fx.dialect, "own_b_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    await t.setCart(guest.id, "guest cart");
    expect(gu.hasListeners("merged")).toBe(false);
    expect(await gu.mergeGuest(guest, account)).toBe(true);
    expect(await t.cartOf(account.id)).toBe("guest cart");
  });

  it("a social sign-in of a linked identity merges the guest's rows too", async () => {
    const gu = await fx.open({ tablePrefix: "own_g_", ownership: ownershipOf("own_g_") });
    const t = await ownedTables(gu, fx.dialect, "own_g_");
    const identity = { provider: "github", subject: "583231", preferredUsername: "rufus" };
    const first = await gu.createGuestUser();
    const account = await gu.convertWithIdentity(first, identity);
    await t.setCart(account.id, "account cart");
    const guest = await gu.createGuestUser();
    await t.addNote(guest.id, "from the guest");
    await t.setCart(guest.id, "guest cart");
    expect(await gu.signInWithIdentity(identity, { current: guest })).toMatchObject({
      id: account.id,
    });
    expect(await t.notesOf(account.id)).toEqual(["from the guest"]);
    expect(await t.cartOf(account.id)).toBe("account cart");
    expect(await gu.getUser(guest.id)).toBeNull();
  });

  it('rolls back a "move" that breaks a unique key, and runs an onMerge function', async () => {
    const calls: unknown[] = [];
    const gu = await fx.open({
      tablePrefix: "own_c_",
      ownership: {
        tables: [
          {
            table: "own_c_notes",
            column: "user_id",
            onMerge: async ({ db, table, column, from, to }) => {
              calls.push({ table, column, from, to });
              await sql`update ${sql.table(table)} set body = ${"merged"}, ${sql.ref(column)} = ${to}
                where ${sql.ref(column)} = ${from}`.execute(db);
            },
          },
          { table: "own_c_carts", column: "user_id", onMerge: "move" },
        ],
      },
    });
    const t = await ownedTables(gu, fx.dialect, "own_c_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    await t.addNote(guest.id, "from the guest");
    await t.setCart(account.id, "account cart");
    await t.setCart(guest.id, "guest cart");
    expect(await gu.mergeGuest(guest, account)).toBe(false);
    expect(await t.notesOf(guest.id)).toEqual(["from the guest"]); // rolled back
    expect(await t.cartOf(guest.id)).toBe("guest cart");
    expect(await gu.isGuestUser(guest)).toBe(true);
    await sql`delete from own_c_carts where user_id = ${account.id}`.execute(gu.db);
    expect(await gu.mergeGuest(guest, account)).toBe(true);
    expect(await t.notesOf(account.id)).toEqual(["merged"]);
    expect(calls.at(-1)).toEqual({
      table: "own_c_notes",
      column: "user_id",
      from: guest.id,
      to: account.id,
    });
  });

  it('keepIf "ownsData" keeps a guest owning a row in any table and deletes one without', async () => {
    const clock = testClock();
    const gu = await fx.open({
      tablePrefix: "own_d_",
      clock: clock.now,
      ownership: ownershipOf("own_d_"),
      retention: { maxAge: DAY, keepIf: "ownsData" },
    });
    const t = await ownedTables(gu, fx.dialect, "own_d_");
    const withNote = await gu.createGuestUser();
    const withCart = await gu.createGuestUser();
    const empty = await gu.createGuestUser();
    await t.addNote(withNote.id, "keep me");
    await t.setCart(withCart.id, "apples");
    clock.advance(2 * DAY);
    expect(await gu.isExpired(withNote)).toBe(false);
    expect(await gu.isExpired(empty)).toBe(true);
    expect(await gu.deleteExpired()).toMatchObject({ deleted: 1, expired: 1, kept: 2 });
    expect(await gu.getUser(empty.id)).toBeNull();
    expect(await gu.isGuestUser(withNote)).toBe(true);
    expect(await gu.isGuestUser(withCart)).toBe(true);
  });

  it("exportUser returns exactly the user's rows, and null for an unknown user", async () => {
    const gu = await fx.open({ tablePrefix: "own_e_", ownership: ownershipOf("own_e_") });
    const t = await ownedTables(gu, fx.dialect, "own_e_");
    const { user: guest } = await gu.createGuestSession();
    const other = await gu.createGuestUser();
    await gu.setGuestData(guest, { theme: "dark" });
    await t.addNote(guest.id, "mine");
    await t.addNote(other.id, "not mine");
    await t.setCart(guest.id, "pears");
    await t.setCart(other.id, "plums");
    const data = await gu.exportUser(guest.id);
    expect(data?.user).toMatchObject({ id: guest.id, username: guest.username, isGuest: true });
    expect(JSON.stringify(data)).not.toMatch(/passwordHash|"password"|secret|token/i);
    expect(data?.guest?.data).toEqual({ theme: "dark" });
    expect(data?.sessions).toHaveLength(1);
    expect(Object.keys(data?.sessions[0] ?? {}).sort()).toEqual(["createdAt", "expiresAt"]);
    expect(data?.identities).toEqual([]);
    // Values as the driver gives them (PostgreSQL: bigints as strings): compared as text.
    const asText = (rows: readonly Record<string, unknown>[] = []) =>
      rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])));
    expect(Object.keys(data?.tables ?? {})).toEqual(["own_e_notes", "own_e_carts"]);
    expect(asText(data?.tables.own_e_notes)).toEqual([
      { id: expect.any(String), user_id: String(guest.id), body: "mine" },
    ]);
    expect(asText(data?.tables.own_e_carts)).toEqual([
      { user_id: String(guest.id), items: "pears" },
    ]);
    expect(await gu.exportUser(-1)).toBeNull();
  });

  it("a merge racing a clean-up: the guest's rows end at the account or go with the guest", async () => {
    const clock = testClock();
    const gu = await fx.open({
      tablePrefix: "own_f_",
      clock: clock.now,
      maxAge: DAY,
      ownership: ownershipOf("own_f_"),
    });
    const t = await ownedTables(gu, fx.dialect, "own_f_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    await t.setCart(account.id, "account cart");
    const outcomes = { merged: 0, deleted: 0 };
    for (let round = 0; round < 8; round++) {
      const guest = await gu.createGuestUser();
      await t.addNote(guest.id, `note ${round}`);
      await t.setCart(guest.id, `guest cart ${round}`);
      clock.advance(2 * DAY);
      const before = await t.notesOf(account.id);
      const merge = () =>
        gu.mergeGuest(guest, account).catch((error: unknown) => {
          if (error instanceof NotGuestError) return false;
          throw error;
        });
      const cleanup = () => gu.deleteExpired({ batchSize: 1 + (round % 3) });
      // Either one started first, by turns.
      const merged =
        round % 2 === 0
          ? (await Promise.all([merge(), cleanup()]))[0]
          : (await Promise.all([cleanup(), merge()]))[1];
      outcomes[merged ? "merged" : "deleted"]++;
      // No half state: the guest is gone either way; its note moved (merge) or went with it.
      expect(await gu.getUser(guest.id)).toBeNull();
      expect(await t.notesOf(guest.id)).toEqual([]);
      expect(await t.notesOf(account.id)).toEqual(
        merged ? [...before, `note ${round}`].sort() : before,
      );
      expect(await t.cartOf(account.id)).toBe("account cart");
      expect(await t.countAll()).toEqual({ notes: before.length + (merged ? 1 : 0), carts: 1 });
    }
    expect(outcomes.merged + outcomes.deleted).toBe(8);
    // The clean-up done first, for certain: the merge finds no guest and moves nothing.
    const late = await gu.createGuestUser();
    await t.addNote(late.id, "late note");
    clock.advance(2 * DAY);
    const before = await t.notesOf(account.id);
    expect((await gu.deleteExpired()).deleted).toBe(1);
    await expect(gu.mergeGuest(late, account)).rejects.toMatchObject({ code: "NOT_GUEST" });
    expect(await t.notesOf(account.id)).toEqual(before);
  });
});
