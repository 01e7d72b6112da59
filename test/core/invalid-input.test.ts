import { sql } from "kysely";
import { expect, it, onTestFinished } from "vitest";
import { userIds } from "../../src/core/operations/admin.ts";
import {
  type ConvertForm,
  type GuestUsers,
  InvalidInputError,
  type InvalidInputReason,
  ValidationError,
} from "../../src/index.ts";
import { textProblem } from "../../src/shared/storable-text.ts";
import { countingKysely } from "../support/counting-kysely.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const NUL = "a\u0000b";
const LONE = "a\uD800b";
const form = (username: string, password = PASSWORD) => ({
  username,
  password1: password,
  password2: password,
});

/** A convert form whose rules let any text through, as a careless custom schema would. */
const anythingGoes: ConvertForm<{ username: string; password: string; email?: string }> = {
  schema: {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: (value) => ({ value: value as { username: string; password: string } }),
    },
  },
  getCredentials: ({ username, password, email }) => ({ username, password, email }),
};

/** The INVALID_INPUT a call rejects with (a failure when it did not). */
async function refusal(promise: Promise<unknown>): Promise<InvalidInputError> {
  const error = await promise.then(
    () => new Error("resolved"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

/** Checks the refusal's code, field and reason, and that the message never repeats the value. */
async function expectRefused(promise: Promise<unknown>, field: string, reason: InvalidInputReason) {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ code: "INVALID_INPUT", field, reason });
  expect(error.fieldErrors[field]).toEqual([expect.any(String)]);
  expect(error.message).toContain(`\`${field}\``);
  expect(textProblem(error.message)).toBeNull(); // no NUL, no lone surrogate: not the value
}

async function userCount(gu: GuestUsers): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select count(*) as n
    from ${sql.table(gu.settings.tables.users.table)}`.execute(gu.db);
  return Number(rows[0]?.n);
}

describeEachDatabase("values no database can store are INVALID_INPUT", (fx) => {
  /** A GuestUsers whose every query is recorded: the refusals must come before any. */
  async function open(prefix: string, options: Parameters<typeof fx.open>[0] = {}) {
    const { kysely, queries } = countingKysely(fx.dialect, fx.database().url);
    onTestFinished(() => kysely.destroy());
    const gu = await fx.open({ database: kysely, tablePrefix: prefix, ...options });
    return { gu, queries };
  }

  it("authenticate: a username with NUL or a lone surrogate, before any query", async () => {
    const { gu, queries } = await open("in_auth_");
    await gu.createUser(form("ada"));
    queries.length = 0;
    await expectRefused(gu.authenticate({ username: NUL, password: PASSWORD }), "username", "nul");
    await expectRefused(
      gu.authenticate({ username: LONE, password: PASSWORD }),
      "username",
      "lone-surrogate",
    );
    expect(queries).toEqual([]);
    expect(await gu.authenticate({ username: "ada", password: PASSWORD })).not.toBeNull();
  });

  it("createUser and convert: any field, and what a custom form lets through", async () => {
    const { gu, queries } = await open("in_forms_");
    const guest = await gu.createGuestUser();
    queries.length = 0;
    await expectRefused(gu.createUser(form(NUL)), "username", "nul");
    await expectRefused(gu.createUser(form("ada", `${PASSWORD}\u0000`)), "password1", "nul");
    await expectRefused(gu.convert(guest, form(LONE)), "username", "lone-surrogate");
    expect(queries).toEqual([]);
    expect(await userCount(gu)).toBe(1);
    expect(await gu.isGuestUser(guest)).toBe(true);

    const custom = await fx.open({ tablePrefix: "in_forms_", convertForm: anythingGoes });
    const long = "x".repeat(151);
    await expectRefused(
      custom.createUser({ username: long, password: PASSWORD }),
      "username",
      "too-long",
    );
    await expectRefused(
      custom.convert(guest, {
        username: "grace",
        password: PASSWORD,
        email: `${"m".repeat(250)}@x.io`,
      }),
      "email",
      "too-long",
    );
    expect(await userCount(gu)).toBe(1);
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("createGuestUser, createGuestSession and setGuestData: the username and the data", async () => {
    const { gu, queries } = await open("in_guests_");
    const guest = await gu.createGuestUser({ data: { note: "kept" } });
    queries.length = 0;
    await expectRefused(gu.createGuestUser({ username: NUL }), "username", "nul");
    await expectRefused(gu.createGuestSession({ username: LONE }), "username", "lone-surrogate");
    await expectRefused(gu.createGuestUser({ data: { list: ["ok", NUL] } }), "data", "nul");
    await expectRefused(gu.setGuestData(guest, { [NUL]: 1 }), "data", "nul");
    await expectRefused(gu.setGuestData(guest, { note: LONE }), "data", "lone-surrogate");
    expect(queries).toEqual([]);
    expect(await userCount(gu)).toBe(1);
    expect((await gu.getGuest(guest))?.data).toEqual({ note: "kept" });
  });

  it("social identities: a subject with NUL is refused, such an e-mail dropped", async () => {
    const { gu, queries } = await open("in_identity_");
    queries.length = 0;
    const identity = { provider: "github", subject: NUL };
    await expectRefused(gu.signInWithIdentity(identity), "subject", "nul");
    await expectRefused(gu.createUserWithIdentity(identity), "subject", "nul");
    await expectRefused(gu.connectIdentity(identity), "subject", "nul");
    expect(queries).toEqual([]);
    expect(await userCount(gu)).toBe(0);
    const user = await gu.createUserWithIdentity({
      provider: "github",
      subject: "42",
      email: `a\u0000b@example.com`,
      preferredUsername: `Ru\u0000fus`,
    });
    expect(user).toMatchObject({ username: "Rufus", email: null });
  });

  it("listGuests: a search with NUL, and a forged cursor", async () => {
    const { gu, queries } = await open("in_admin_");
    queries.length = 0;
    await expectRefused(gu.listGuests({ q: "\u0000" }), "q", "nul");
    await expectRefused(gu.listGuests({ q: `ab${"\uDC00"}` }), "q", "lone-surrogate");
    const forged = Buffer.from(JSON.stringify(["k", "\u0000", 1])).toString("base64url");
    const error = await gu.listGuests({ q: "a", after: forged }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: { after: [expect.any(String)] },
    });
    expect(queries).toEqual([]);
  });
});

it("a string user id with NUL is INVALID_INPUT", () => {
  expect(() => userIds([NUL], "string")).toThrow(InvalidInputError);
  expect(userIds(["abc", "abc"], "string")).toEqual(["abc"]);
});

it("the rule: NUL, lone surrogates, and code points past a limit; pairs are fine", () => {
  expect(textProblem("ok 😀")).toBeNull();
  expect(textProblem("\u0000")).toBe("nul");
  expect(textProblem("\uD83D")).toBe("lone-surrogate");
  expect(textProblem("x\uDE00")).toBe("lone-surrogate");
  expect(textProblem("\uDE00\uD83D")).toBe("lone-surrogate");
  // Databases count characters (code points), not UTF-16 units: 3 emoji fit 3.
  expect(textProblem("😀😀😀", 3)).toBeNull();
  expect(textProblem("😀😀😀a", 3)).toBe("too-long");
});
