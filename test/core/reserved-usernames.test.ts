/**
 * `reservedUsernames` (issue 17, finding 4): a name derived from a social identity never takes
 * a reserved name (the next free suffix instead), and sign-up and convert refuse one with a
 * form error; compared as usernames are (NFKC, without regard to case).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_RESERVED_USERNAMES } from "../../src/forms.ts";
import {
  createGuestUsers,
  type GuestUsers,
  InvalidConfigError,
  ValidationError,
} from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const form = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });
const RESERVED = { username: ["This username is reserved."] };

/** The field errors a sign-up or conversion is refused with (fails when it succeeds). */
async function fieldErrors(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError: ${error}`);
  return error.fieldErrors;
}

let subjects = 0;
const identity = (preferredUsername: string) => ({
  provider: "oidc",
  subject: `subject-${++subjects}`,
  preferredUsername,
});

describeEachDatabase("reserved usernames", (fx) => {
  const count = async (gu: GuestUsers) => (await gu.stats()).guests;

  it("refuses them at sign-up and convert in any case or width, changing nothing", async () => {
    const gu = await fx.open({ tablePrefix: "rs_forms_" });
    for (const name of ["admin", "ADMIN", "Ａｄｍｉｎ", "Root", "support", "Staff"]) {
      expect(await fieldErrors(gu.createUser(form(name))), name).toEqual(RESERVED);
      expect(await gu.getUserByUsername(name), name).toBeNull();
    }
    const guest = await gu.createGuestUser();
    expect(await fieldErrors(gu.convert(guest, form("Administrator")))).toEqual(RESERVED);
    expect(await gu.getUser(guest)).toMatchObject({ isGuest: true, username: guest.username });
    expect(await count(gu)).toBe(1);
    // Names that only contain one are free.
    expect((await gu.createUser(form("admiral"))).username).toBe("admiral");
    expect((await gu.convert(guest, form("root_beer"))).username).toBe("root_beer");
  });

  it("gives an identity whose preferred username is reserved the next free suffix", async () => {
    const gu = await fx.open({ tablePrefix: "rs_identity_" });
    expect((await gu.createUserWithIdentity(identity("admin"))).username).toBe("admin2");
    expect((await gu.createUserWithIdentity(identity("ADMIN"))).username).toBe("ADMIN3");
    const guest = await gu.createGuestUser();
    const converted = await gu.convertWithIdentity(guest, identity("ｓｕｐｐｏｒｔ"));
    expect(converted).toMatchObject({ id: guest.id, username: "support2", isGuest: false });
    const { user } = await gu.connectIdentity(identity("Root"));
    expect(user.username).toBe("Root2");
    expect((await gu.createUserWithIdentity(identity("ada"))).username).toBe("ada");
  });

  it("takes a list of its own, or none", async () => {
    const own = await fx.open({ tablePrefix: "rs_own_", reservedUsernames: ["Billing"] });
    expect(await fieldErrors(own.createUser(form("billing")))).toEqual(RESERVED);
    expect((await own.createUser(form("admin"))).username).toBe("admin");
    expect((await own.createUserWithIdentity(identity("BILLING"))).username).toBe("BILLING2");

    const none = await fx.open({ tablePrefix: "rs_none_", reservedUsernames: [] });
    expect((await none.createUser(form("admin"))).username).toBe("admin");
    expect((await none.createUserWithIdentity(identity("root"))).username).toBe("root");
  });
});

describe("the reservedUsernames option", () => {
  it("defaults to the site's own names", () => {
    expect(DEFAULT_RESERVED_USERNAMES).toEqual(
      expect.arrayContaining(["admin", "administrator", "root", "staff", "support"]),
    );
  });

  it.each([
    ["a string", "admin"],
    ["a blank name", ["admin", " "]],
    ["a number", [1]],
  ])("refuses %s with INVALID_CONFIG at start-up", (_what, value) => {
    const open = () =>
      createGuestUsers({ database: "sqlite::memory:", reservedUsernames: value as never });
    expect(open).toThrow(InvalidConfigError);
    expect(open).toThrow(/reservedUsernames.*DEFAULT_RESERVED_USERNAMES/);
  });
});
