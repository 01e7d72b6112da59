import { sql } from "kysely";
import { expect, it } from "vitest";
import { type GuestUsers, ValidationError } from "../../src/index.ts";
import { mysqlQuirks } from "../../src/store/dialects/mysql.ts";
import { postgresQuirks } from "../../src/store/dialects/postgres.ts";
import { sqliteQuirks } from "../../src/store/dialects/sqlite.ts";
import { usernameFoldMigration } from "../../src/store/migrations/010-username-fold.ts";
import { usernameKey } from "../../src/store/username-case.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const TAKEN = { username: ["A user with that username already exists."] };
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });
const QUIRKS = { sqlite: sqliteQuirks, postgres: postgresQuirks, mysql: mysqlQuirks };

/** The field errors of a rejected call (a failure when it did not reject that way). */
async function fieldErrors(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors;
}

const usernames = async (gu: GuestUsers, q: string, limit = 50) =>
  (await gu.listGuests({ q, limit })).guests.map((guest) => guest.username);

describeEachDatabase("usernames with full Unicode case folding", (fx) => {
  it("straße and STRASSE, ΣΊΣ and σίς are one name: sign-up, conversion, login", async () => {
    const gu = await fx.open({ tablePrefix: "fold_a_" });
    const strasse = await gu.createUser(form("straße"));
    const sigma = await gu.createUser(form("ΣΊΣ"));
    for (const name of ["STRASSE", "Strasse", "STRAẞE", "ｓｔｒａｓｓｅ"])
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(TAKEN);
    for (const name of ["σίς", "σίσ", "Σίς"])
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(TAKEN);
    const guest = await gu.createGuestUser();
    expect(await fieldErrors(gu.convert(guest, form("STRASSE")))).toEqual(TAKEN);
    expect(await gu.isGuestUser(guest)).toBe(true);

    for (const name of ["straße", "STRASSE", "strasse"])
      expect(await gu.authenticate({ username: name, password: PASSWORD }), name).toMatchObject({
        id: strasse.id,
        username: "straße",
      });
    for (const name of ["ΣΊΣ", "σίς"])
      expect(await gu.authenticate({ username: name, password: PASSWORD }), name).toMatchObject({
        id: sigma.id,
        username: "ΣΊΣ",
      });
    // A social sign-up asking for a taken name gets the next free one.
    const social = await gu.createUserWithIdentity({
      provider: "github",
      subject: "1",
      preferredUsername: "STRASSE",
    });
    expect(social.username).toBe("STRASSE2");
    // Turkic folding is not Unicode's default: the dotless ı is its own letter.
    await gu.createUser(form("ılık"));
    expect((await gu.createUser(form("ILIK"))).username).toBe("ILIK");
  });

  it("is enforced by the database: two sign-ups in the same instant, one wins", async () => {
    const gu = await fx.open({ tablePrefix: "fold_b_" });
    const pairs = [
      ["maß", "MASS"],
      ["ΌΣΟΣ", "όσος"],
      ["Füße", "FÜSSE"],
      ["ﬀoo", "FFOO"],
    ];
    for (const [first, second] of pairs) {
      const results = await Promise.allSettled([
        gu.createUser(form(first as string)),
        gu.createUser(form(second as string)),
      ]);
      const won = results.filter((result) => result.status === "fulfilled");
      expect(won, `${first} / ${second}`).toHaveLength(1);
      const lost = results.find((result) => result.status === "rejected");
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ fieldErrors: TAKEN });
    }
    const insert = (name: string) =>
      sql`insert into fold_b_users (username, username_key, created_at)
        values (${name}, ${usernameKey(name)}, 0)`.execute(gu.db);
    await expect(insert("MAẞ")).rejects.toThrow(/UNIQUE|duplicate|Duplicate/);
  });

  it("the admin search folds too: ö finds Öland, ss finds ß, page by page", async () => {
    const gu = await fx.open({ tablePrefix: "fold_c_" });
    for (const username of ["Öland", "Ørsted", "ostrava", "Straße1", "STRASSE2", "ΣΊΣ"])
      await gu.createGuestUser({ username });
    expect(await usernames(gu, "ö")).toEqual(["Öland"]);
    expect(await usernames(gu, "ÖL")).toEqual(["Öland"]);
    expect(await usernames(gu, "o")).toEqual(["ostrava"]);
    expect(await usernames(gu, "strass")).toEqual(["Straße1", "STRASSE2"]);
    expect(await usernames(gu, "STRAß")).toEqual(["Straße1", "STRASSE2"]);
    expect(await usernames(gu, "σ")).toEqual(["ΣΊΣ"]);
    const first = await gu.listGuests({ q: "str", limit: 1 });
    expect(first.guests.map((guest) => guest.username)).toEqual(["Straße1"]);
    const second = await gu.listGuests({ q: "str", limit: 1, after: first.next });
    expect(second.guests.map((guest) => guest.username)).toEqual(["STRASSE2"]);
    expect(second.next).toBeNull();
  });

  it("back-fills the keys of an existing database, refusing names that fold alike", async () => {
    const gu = await fx.open({ tablePrefix: "fold_d_" });
    const { tables } = gu.settings;
    const undo = async () => {
      await usernameFoldMigration(tables, QUIRKS[fx.dialect]).down?.(gu.db);
      await sql`delete from ${sql.table(tables.migrations)}
        where name in ('010-username-fold', '011-continue-links', '012-quota-funnel')`.execute(
        gu.db,
      );
    };
    const insert = (name: string) =>
      sql`insert into fold_d_users (username, created_at) values (${name}, 0)`.execute(gu.db);
    await undo();
    // A database as it was before: names beside each other that fold alike.
    for (const name of ["plain", "Ärger", "Straße", "STRASSE"]) await insert(name);
    const error = await gu.migrate().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "MIGRATION_FAILED" });
    expect((error as Error).message).toMatch(/010-username-fold.*full case folding.*"STRASSE"/);

    await sql`update fold_d_users set username = 'Strasse2' where username = 'STRASSE'`.execute(
      gu.db,
    );
    // More names beyond ASCII than one batch of the back-fill takes (1,000).
    const many = Array.from({ length: 1100 }, (_, i) => sql`(${`Ñ${i}`}, 0)`);
    await sql`insert into fold_d_users (username, created_at) values ${sql.join(many)}`.execute(
      gu.db,
    );
    expect((await gu.migrate()).applied).toEqual([
      "010-username-fold",
      "011-continue-links",
      "012-quota-funnel",
    ]);
    const { rows: keyed } = await sql<{ username: string; username_key: string }>`
      select username, username_key from fold_d_users where username like ${"Ñ%"}`.execute(gu.db);
    expect(keyed).toHaveLength(1100);
    for (const row of keyed) expect(row.username_key).toBe(row.username.replace("Ñ", "ñ"));
    await sql`delete from fold_d_users where username like ${"Ñ%"}`.execute(gu.db);
    const { rows } = await sql<{ username: string; username_key: string }>`
      select username, username_key from fold_d_users order by username_key`.execute(gu.db);
    expect(rows).toEqual([
      { username: "plain", username_key: "plain" },
      { username: "Straße", username_key: "strasse" },
      { username: "Strasse2", username_key: "strasse2" },
      { username: "Ärger", username_key: "ärger" },
    ]);
    const ada = await gu.createUser(form("ada"));
    expect(await gu.authenticate({ username: "ADA", password: PASSWORD })).toMatchObject({
      id: ada.id,
    });
    expect(await fieldErrors(gu.createUser(form("ÄRGER")))).toEqual(TAKEN);
    expect(await fieldErrors(gu.createUser(form("STRASSE")))).toEqual(TAKEN);
  });
});

it("usernameKey: full case folding (CaseFolding.txt C + F) after NFKC", () => {
  const same = [
    ["straße", "STRASSE", "strasse"],
    ["ẞ", "ss", "ss"], // capital sharp s: lower case first, then upper
    ["ΣΊΣ", "σίσ", "σίσ"], // the final sigma folds to sigma
    ["İ", "i̇", "i̇"], // dotted capital I: i with a combining dot
    ["ΐ", "ΐ", "ΐ"], // decomposed and composed: one NFKC form
    ["ﬁ", "FI", "fi"], // the ligature's NFKC letters
    ["ᏸ", "Ᏸ", "ᏸ"], // Cherokee: one name (folded to lower case, not upper)
  ];
  for (const [a, b, key] of same) {
    expect(usernameKey(a as string), a).toBe(key);
    expect(usernameKey(b as string), b).toBe(key);
    expect(usernameKey(key as string)).toBe(key);
  }
  expect(usernameKey("ı")).not.toBe(usernameKey("i")); // Turkic folding only
  expect(usernameKey("Öland").startsWith(usernameKey("ö"))).toBe(true);
  expect(usernameKey("σίς").startsWith(usernameKey("Σ"))).toBe(true);
});
