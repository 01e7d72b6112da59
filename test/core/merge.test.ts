import { sql } from "kysely";
import { expect, it } from "vitest";
import { GuestUserError } from "../../src/index.ts";
import { mysqlDatabase } from "../../src/store/dialects/mysql.ts";
import { postgresDatabase } from "../../src/store/dialects/postgres.ts";
import { sqliteDatabase } from "../../src/store/dialects/sqlite.ts";
import { becomeGuest, PASSWORD, SECRET, setup } from "../http/views/client.ts";
import { notesTable } from "../support/app-tables.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PERSON = { password1: PASSWORD, password2: PASSWORD };

describeEachDatabase("merging a guest into an existing account", (fx) => {
  it("moves the guest's rows with the merged listener and deletes the guest, in one transaction", async () => {
    const gu = await fx.open({ tablePrefix: "merge_a_" });
    const notes = await notesTable(gu, fx.dialect, "merge_a_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    await notes.add(guest.id, "guest note");
    await notes.add(account.id, "account note");
    gu.on("merged", ({ guest: from, user, db }) =>
      notes.move(db, from.id, user.id).then(() => undefined),
    );
    expect(await gu.mergeGuest(guest, account)).toBe(true);
    expect(await notes.of(account.id)).toEqual(["account note", "guest note"]);
    expect(await gu.getUser(guest.id)).toBeNull();
  });

  it("rolls everything back when a listener throws, keeping the guest and its rows", async () => {
    const errors: unknown[] = [];
    const gu = await fx.open({
      tablePrefix: "merge_b_",
      logger: { warn() {}, error: (...a) => errors.push(a) },
    });
    const notes = await notesTable(gu, fx.dialect, "merge_b_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    await notes.add(guest.id, "keep me");
    gu.on("merged", async ({ guest: from, user, db }) => {
      await notes.move(db, from.id, user.id);
      throw new Error("quota exceeded");
    });
    expect(await gu.mergeGuest(guest, account)).toBe(false);
    expect(await notes.of(guest.id)).toEqual(["keep me"]);
    expect(await notes.of(account.id)).toEqual([]);
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it("does nothing without a merged listener, and refuses a non-guest", async () => {
    const gu = await fx.open({ tablePrefix: "merge_c_" });
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const other = await gu.createUser({ username: "other", ...PERSON });
    const guest = await gu.createGuestUser();
    expect(await gu.mergeGuest(guest, account)).toBe(false);
    expect(await gu.isGuestUser(guest)).toBe(true);
    gu.on("merged", () => {});
    await expect(gu.mergeGuest(other, account)).rejects.toMatchObject({ code: "NOT_GUEST" });
  });

  it("merges when a guest logs in to an existing account through the login view", async () => {
    const gu = await fx.open({ tablePrefix: "merge_d_", secret: SECRET });
    const notes = await notesTable(gu, fx.dialect, "merge_d_");
    await gu.createUser({ username: "returning", ...PERSON });
    gu.on("merged", async ({ guest, user, db }) => {
      await notes.move(db, guest.id, user.id);
    });
    const { client } = setup(gu);
    const guest = await becomeGuest(client, gu);
    await notes.add(guest.id, "made as a guest");
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post("/accounts/login/", {
      username: "returning",
      password: PASSWORD,
      csrf_token: csrf,
    });
    expect(response.status).toBe(302);
    const account = await gu.authenticate({ username: "returning", password: PASSWORD });
    expect(await notes.of(account?.id)).toEqual(["made as a guest"]);
    expect(await gu.getUser(guest.id)).toBeNull();
    expect(client.lastState?.user?.id).toBe(account?.id);
  });

  it("fails fast with OUTER_DB_IN_LISTENER when a listener queries guestUsers.db", async () => {
    const gu = await fx.open({ tablePrefix: "merge_e_" });
    const notes = await notesTable(gu, fx.dialect, "merge_e_");
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    await notes.add(guest.id, "stays put");
    const off = gu.on("merged", async ({ guest: from, user, db }) => {
      await notes.move(db, from.id, user.id); // right: the transaction
      await notes.move(gu.db, from.id, user.id); // wrong: the outer database
    });
    const started = Date.now();
    const error = await gu.mergeGuest(guest, account).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2000); // SQLite used to wait here forever
    expect(error).toBeInstanceOf(GuestUserError);
    expect(error).toMatchObject({ code: "OUTER_DB_IN_LISTENER" });
    expect((error as Error).message).toContain("use the `db` the merged event gives you");
    // Rolled back, and the outer database works again once the listener is done.
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(await notes.of(guest.id)).toEqual(["stays put"]);
    off();

    // Another guestUsers method inside the listener is the same mistake, even when caught.
    gu.on("merged", async () => {
      await gu.getGuest(guest).catch(() => null);
    });
    await expect(gu.mergeGuest(guest, account)).rejects.toMatchObject({
      code: "OUTER_DB_IN_LISTENER",
    });
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("guards a Kysely instance the app passed in the same way", async () => {
    const url = fx.database().url;
    const kysely =
      fx.dialect === "sqlite"
        ? sqliteDatabase(url.slice("sqlite:".length))
        : fx.dialect === "postgres"
          ? postgresDatabase(url)
          : mysqlDatabase(url);
    try {
      const gu = await fx.open({ tablePrefix: "merge_h_", database: kysely });
      expect(gu.db).toBe(kysely);
      const account = await gu.createUser({ username: "owner", ...PERSON });
      const guest = await gu.createGuestUser();
      gu.on("merged", async ({ guest: from }) => {
        await sql`select 1 from merge_h_guests where user_id = ${from.id}`.execute(kysely);
      });
      await expect(gu.mergeGuest(guest, account)).rejects.toMatchObject({
        code: "OUTER_DB_IN_LISTENER",
      });
      expect(await gu.isGuestUser(guest)).toBe(true);
    } finally {
      await kysely.destroy();
    }
  });

  it("lets the listeners read the guest's user and guest rows, with its data", async () => {
    const gu = await fx.open({ tablePrefix: "merge_f_" });
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser({ data: { cart: [3, 5], theme: "dark" } });
    const seen: unknown[] = [];
    gu.on("merged", async ({ guest: from, db }) => {
      const { rows } = await sql<{ data: unknown; username: string }>`select g.data, u.username
        from merge_f_guests g join merge_f_users u on u.id = g.user_id
        where g.user_id = ${from.id}`.execute(db);
      for (const row of rows) {
        const data = typeof row.data === "string" ? JSON.parse(row.data) : row.data;
        seen.push({ username: row.username, data });
      }
    });
    expect(await gu.mergeGuest(guest, account)).toBe(true);
    expect(seen).toEqual([{ username: guest.username, data: { cart: [3, 5], theme: "dark" } }]);
    expect(await gu.getUser(guest.id)).toBeNull();
    expect(await gu.getGuest(guest.id)).toBeNull();
  });

  it("refuses a guest converted meanwhile, and one merged already", async () => {
    const gu = await fx.open({ tablePrefix: "merge_g_" });
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const guest = await gu.createGuestUser();
    let calls = 0;
    gu.on("merged", () => {
      calls++;
    });
    expect(await gu.mergeGuest(guest, account)).toBe(true);
    await expect(gu.mergeGuest(guest, account)).rejects.toMatchObject({ code: "NOT_GUEST" });
    const converted = await gu.createGuestUser();
    await gu.convert(converted, { username: "converted", ...PERSON });
    await expect(gu.mergeGuest(converted, account)).rejects.toMatchObject({ code: "NOT_GUEST" });
    expect(calls).toBe(1);
    expect(await gu.getUser(converted)).toMatchObject({ username: "converted" });
  });
});
