import { sql } from "kysely";
import { expect, it } from "vitest";
import { z } from "zod";
import { type ConvertForm, GuestUserError, ValidationError } from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const form = (username: string, password1 = PASSWORD, password2 = password1) => ({
  username,
  password1,
  password2,
});

describeEachDatabase("convert", (fx) => {
  it("gives the SAME user row credentials, removes the guest row and ends its sessions", async () => {
    const gu = await fx.open();
    const { user, session } = await gu.createGuestSession();
    const other = await gu.createSession(user.id);
    const converted = await gu.convert(user, form("grace"));
    expect(converted).toMatchObject({ id: user.id, username: "grace", isGuest: false });
    expect(await gu.isGuestUser(user)).toBe(false);
    expect(await gu.getGuest(user)).toBeNull();
    expect(await gu.validateSession(session.token)).toBeNull();
    expect(await gu.validateSession(other.token)).toBeNull();
    expect(await gu.authenticate({ username: "grace", password: PASSWORD })).toMatchObject({
      id: user.id,
    });
    const { rows } = await sql<{
      password: string;
    }>`select password from guest_user_users where id = ${user.id}`.execute(gu.db);
    expect(rows[0]?.password).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
  });

  it("accepts FormData and URLSearchParams as well as plain objects", async () => {
    const gu = await fx.open();
    const a = await gu.createGuestUser();
    const data = new FormData();
    for (const [k, v] of Object.entries(form("from_formdata"))) data.set(k, v);
    expect((await gu.convert(a, data)).username).toBe("from_formdata");
    const b = await gu.createGuestUser();
    expect((await gu.convert(b.id, new URLSearchParams(form("from_params")))).username).toBe(
      "from_params",
    );
  });

  it("changes nothing on invalid input and says which field is wrong", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [form("bob", "short1!"), "password2", /too short/],
      [form("bob", "password"), "password2", /too common/],
      [form("bob", "48213975106"), "password2", /entirely numeric/],
      [form("bob", PASSWORD, `${PASSWORD}x`), "password2", /didn.t match/],
      [form("bob smith"), "username", /valid username/],
      [form(""), "username", /required/],
      [{ username: ["a"], password1: 5 }, "username", /./],
      [form("x".repeat(5000)), "username", /./],
    ];
    for (const [input, field, message] of cases) {
      const error = await gu.convert(user, input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input).slice(0, 80)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe("VALIDATION_FAILED");
      expect((error as ValidationError).fieldErrors[field]?.join(" ")).toMatch(message);
    }
    expect(await gu.getUser(user)).toMatchObject({ username: user.username, isGuest: true });
  });

  it("refuses a taken username with a field error, leaving the guest a guest", async () => {
    const gu = await fx.open();
    await gu.createUser(form("taken"));
    const user = await gu.createGuestUser();
    const error = (await gu
      .convert(user, form("taken"))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.fieldErrors.username).toEqual(["A user with that username already exists."]);
    expect(await gu.isGuestUser(user)).toBe(true);
  });

  it("refuses a registered user with NOT_GUEST", async () => {
    const gu = await fx.open();
    const registered = await gu.createUser(form("registered"));
    const error = await gu.convert(registered, form("registered2")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestUserError);
    expect((error as GuestUserError).code).toBe("NOT_GUEST");
    expect(await gu.authenticate({ username: "registered", password: PASSWORD })).not.toBeNull();
  });

  it("lets exactly one of several concurrent converts of one guest succeed", async () => {
    const gu = await fx.open();
    for (let round = 0; round < 3; round++) {
      const user = await gu.createGuestUser();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => gu.convert(user, form(`racer_${round}_${i}`))),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      for (const r of lost)
        expect(((r as PromiseRejectedResult).reason as GuestUserError).code).toBe("NOT_GUEST");
      const winner = (won[0] as PromiseFulfilledResult<{ username: string }>).value.username;
      expect(await gu.getUser(user)).toMatchObject({ username: winner, isGuest: false });
    }
  });

  it("fires converted after commit, with the registered user", async () => {
    const gu = await fx.open();
    const user = await gu.createGuestUser();
    const seen: boolean[] = [];
    gu.on("converted", async ({ user: converted }) => {
      seen.push(converted.isGuest, await gu.isGuestUser(converted));
    });
    await gu.convert(user, form("evented"));
    expect(seen).toEqual([false, false]);
  });

  it("takes any Standard Schema form (zod) with getCredentials", async () => {
    const convertForm: ConvertForm<{ email: string; password: string }> = {
      schema: z.object({ email: z.email(), password: z.string().min(12) }),
      getCredentials: (v) => ({ username: v.email, email: v.email, password: v.password }),
    };
    const gu = await fx.open({ convertForm: convertForm as ConvertForm<unknown> });
    const user = await gu.createGuestUser();
    const error = (await gu
      .convert(user, { email: "nope", password: "x" })
      .catch((e: unknown) => e)) as ValidationError;
    expect(Object.keys(error.fieldErrors).sort()).toEqual(["email", "password"]);
    const converted = await gu.convert(user, {
      email: "ada@example.com",
      password: "long enough pw",
    });
    expect(converted).toMatchObject({
      username: "ada@example.com",
      email: "ada@example.com",
      isGuest: false,
    });
  });
});
