import { sql } from "kysely";
import { expect, it } from "vitest";
import { GuestUserError, type GuestUsers } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });
const TERMS = { version: "2026-11", url: "/legal/terms/" };

/** The rows of the acceptances table (so a test sees what is really stored). */
async function acceptances(gu: GuestUsers) {
  const table = sql.table(gu.settings.tables.termsAcceptances);
  const { rows } = await sql<{
    user_id: unknown;
    version: string;
  }>`select user_id, version from ${table} order by user_id`.execute(gu.db);
  return rows.map((row) => ({ userId: Number(row.user_id), version: row.version }));
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof GuestUserError ? error.code : String(error)),
  );

describeEachDatabase("terms of service (core)", (fx) => {
  it("without the terms option everyone has accepted, and recording an acceptance names the fix", async () => {
    const gu = await fx.open({ tablePrefix: "terms_off_" });
    const user = await gu.createUser(form("ada"));
    expect(await gu.hasAcceptedTerms(user)).toBe(true);
    expect(await gu.termsAcceptance(user)).toBeNull();
    const error = await gu.acceptTerms(user).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuestUserError);
    expect((error as GuestUserError).code).toBe("INVALID_CONFIG");
    expect((error as Error).message).toMatch(/terms: \{ version, url \}/);
    expect(await acceptances(gu)).toEqual([]);
  });

  it("a registered user has not accepted until it does; the acceptance has the version and the time", async () => {
    const clock = testClock();
    const gu = await fx.open({ tablePrefix: "terms_on_", terms: TERMS, clock: clock.now });
    const user = await gu.createUser(form("ada"));
    expect(await gu.hasAcceptedTerms(user)).toBe(false);
    expect(await gu.hasAcceptedTerms(user.id)).toBe(false);
    clock.advance(60);
    expect(await gu.acceptTerms(user)).toEqual({ version: "2026-11", acceptedAt: clock.now() });
    expect(await gu.hasAcceptedTerms(user)).toBe(true);
    expect(await gu.hasAcceptedTerms(user.id)).toBe(true);
    expect(await gu.termsAcceptance(user.id)).toEqual({
      version: "2026-11",
      acceptedAt: clock.now(),
    });
  });

  it("guests pass without accepting; anonymous (null) has not accepted", async () => {
    const gu = await fx.open({ tablePrefix: "terms_guest_", terms: TERMS });
    const guest = await gu.createGuestUser();
    expect(await gu.hasAcceptedTerms(guest)).toBe(true);
    expect(await gu.hasAcceptedTerms(guest.id)).toBe(true);
    expect(await gu.hasAcceptedTerms(null)).toBe(false);
    expect(await gu.termsAcceptance(guest)).toBeNull();
  });

  it("a new version asks again; accepting it replaces the old acceptance (one row per user)", async () => {
    const first = await fx.open({ tablePrefix: "terms_new_", terms: { ...TERMS, version: "1" } });
    const user = await first.createUser(form("ada"));
    await first.acceptTerms(user);
    const second = await fx.open({ tablePrefix: "terms_new_", terms: { ...TERMS, version: "2" } });
    expect(await first.hasAcceptedTerms(user)).toBe(true);
    expect(await second.hasAcceptedTerms(user)).toBe(false);
    expect((await second.termsAcceptance(user))?.version).toBe("1");
    await second.acceptTerms(user);
    expect(await second.hasAcceptedTerms(user)).toBe(true);
    expect(await acceptances(second)).toEqual([{ userId: Number(user.id), version: "2" }]);
  });

  it("refuses a malformed version and an unknown user, recording nothing", async () => {
    const gu = await fx.open({ tablePrefix: "terms_bad_", terms: TERMS });
    const user = await gu.createUser(form("ada"));
    expect(await codeOf(gu.acceptTerms(user, "no spaces allowed"))).toBe("VALIDATION_FAILED");
    expect(await codeOf(gu.acceptTerms(987654))).toBe("USER_NOT_FOUND");
    expect(await acceptances(gu)).toEqual([]);
  });

  it("convert with acceptTerms stores the acceptance with the conversion; a failed conversion stores none", async () => {
    const gu = await fx.open({ tablePrefix: "terms_convert_", terms: TERMS });
    await gu.createUser(form("taken"));
    const guest = await gu.createGuestUser();
    expect(await codeOf(gu.convert(guest, form("taken"), { acceptTerms: "2026-11" }))).toBe(
      "VALIDATION_FAILED",
    );
    const mismatch = { ...form("grace"), password2: "Other-Quantum-77!" };
    expect(await codeOf(gu.convert(guest, mismatch, { acceptTerms: "2026-11" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await acceptances(gu)).toEqual([]);
    const user = await gu.convert(guest, form("grace"), { acceptTerms: "2026-11" });
    expect(user.id).toBe(guest.id);
    expect(await gu.hasAcceptedTerms(user)).toBe(true);
    // Converting again (no longer a guest): NOT_GUEST, and the acceptance is not rewritten.
    expect(await codeOf(gu.convert(guest, form("grace2"), { acceptTerms: "other" }))).toBe(
      "NOT_GUEST",
    );
    expect(await acceptances(gu)).toEqual([{ userId: Number(guest.id), version: "2026-11" }]);
  });

  it("a guest's early acceptance stays with it when it converts (same id)", async () => {
    const gu = await fx.open({ tablePrefix: "terms_early_", terms: TERMS });
    const guest = await gu.createGuestUser();
    await gu.acceptTerms(guest);
    const user = await gu.convert(guest, form("early"));
    expect(await gu.hasAcceptedTerms(user)).toBe(true);
  });

  it("createUser with acceptTerms stores it with the user; bad input or a bad version changes nothing", async () => {
    const gu = await fx.open({ tablePrefix: "terms_create_", terms: TERMS });
    expect(await codeOf(gu.createUser(form("ada"), { acceptTerms: "bad version!" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await gu.authenticate({ username: "ada", password: PASSWORD })).toBeNull();
    expect(await codeOf(gu.createUser({ username: "ada" }, { acceptTerms: "2026-11" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await acceptances(gu)).toEqual([]);
    const user = await gu.createUser(form("ada"), { acceptTerms: "2026-11" });
    expect(await gu.termsAcceptance(user)).toMatchObject({ version: "2026-11" });
    const plain = await gu.createUser(form("bob"));
    expect(await gu.hasAcceptedTerms(plain)).toBe(false);
  });
});
