import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/guest-users.ts";

describeEachDatabase("smoke", (fx) => {
  it("creates, validates, converts, cleans", async () => {
    const gu = await fx.open();
    const { user, session } = await gu.createGuestSession();
    expect(user.isGuest).toBe(true);
    const v = await gu.validateSession(session.token);
    expect(v?.user.id).toBe(user.id);
    expect(v?.user.isGuest).toBe(true);
    const c = await gu.convert(user, {
      username: "ada_lovelace",
      password1: "correct-horse-9",
      password2: "correct-horse-9",
    });
    expect(c.id).toBe(user.id);
    expect(c.isGuest).toBe(false);
    expect(await gu.validateSession(session.token)).toBeNull();
    expect(
      await gu.authenticate({ username: "ada_lovelace", password: "correct-horse-9" }),
    ).toMatchObject({ id: user.id });
    await gu.createGuestUser();
    expect(await gu.stats({ maxAge: 1 })).toEqual({ guests: 1, expired: 0 });
    const r = await gu.deleteExpired({ maxAge: 3600 });
    expect(r.deleted).toBe(0);
  });
});
