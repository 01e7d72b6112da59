import { sql } from "kysely";
import { expect, it } from "vitest";
import { createGuestUsers, GuestUserError, ValidationError } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";

describeEachDatabase("accounts", (fx) => {
  it("signs up a registered user and logs them in by password", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now });
    const user = await gu.createUser({
      username: "linus",
      password1: PASSWORD,
      password2: PASSWORD,
    });
    expect(user).toMatchObject({ username: "linus", isGuest: false });
    clock.advance(60);
    const logged = await gu.authenticate({ username: "linus", password: PASSWORD });
    expect(logged).toMatchObject({ id: user.id, lastLoginAt: clock.now() });
    expect(await gu.authenticate({ username: "linus", password: "wrong" })).toBeNull();
    expect(await gu.authenticate({ username: "nobody", password: PASSWORD })).toBeNull();
    expect(await gu.getUser(user.id)).toMatchObject({ lastLoginAt: clock.now() });
  });

  it("never logs a guest in by name, whatever password is tried", async () => {
    const gu = await fx.open();
    const guest = await gu.createGuestUser({ username: "public_guest_name" });
    for (const password of ["", "null", guest.username, "None"]) {
      expect(await gu.authenticate({ username: "public_guest_name", password })).toBeNull();
    }
  });

  it("refuses a duplicate sign-up with a field error", async () => {
    const gu = await fx.open();
    await gu.createUser({ username: "dup", password1: PASSWORD, password2: PASSWORD });
    const error = (await gu
      .createUser({ username: "dup", password1: PASSWORD, password2: PASSWORD })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors.username).toEqual(["A user with that username already exists."]);
  });

  it("rehashes a password made with weaker parameters on login", async () => {
    const gu = await fx.open({ tablePrefix: "rehash_" });
    await gu.createUser({ username: "old", password1: PASSWORD, password2: PASSWORD });
    const stronger = await fx.open({
      tablePrefix: "rehash_",
      passwordHashing: { logN: 11, r: 8, p: 1 },
    });
    expect(await stronger.authenticate({ username: "old", password: PASSWORD })).not.toBeNull();
    const { rows } = await sql<{
      password: string;
    }>`select password from rehash_users where username = 'old'`.execute(gu.db);
    expect(rows[0]?.password).toMatch(/^\$scrypt\$ln=11,/);
    expect(await stronger.authenticate({ username: "old", password: PASSWORD })).not.toBeNull();
  });
});

it("reports an unreachable database as DATABASE_UNAVAILABLE with what to check", async () => {
  for (const url of [
    "postgres://postgres@127.0.0.1:1/nowhere",
    "mysql://root@127.0.0.1:1/nowhere",
  ]) {
    const gu = createGuestUsers({ database: url });
    const error = await gu.createGuestUser().catch((e: unknown) => e);
    expect(error, url).toBeInstanceOf(GuestUserError);
    expect((error as GuestUserError).code).toBe("DATABASE_UNAVAILABLE");
    expect((error as Error).message).toMatch(/DATABASE_URL/);
    await gu.close();
  }
});
