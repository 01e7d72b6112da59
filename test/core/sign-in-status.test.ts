import { expect, it } from "vitest";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";

describeEachDatabase("signInStatus", (fx) => {
  it("tells whether the session's user has a password, and when the session began", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now, tablePrefix: "sis_" });
    const { user: guest, session: guestSession } = await gu.createGuestSession();
    clock.advance(30);
    const social = await gu.createUserWithIdentity({ provider: "github", subject: "42" });
    const socialSession = await gu.createSession(social.id);
    const member = await gu.createUser({
      username: "member",
      password1: PASSWORD,
      password2: PASSWORD,
    });
    clock.advance(60);
    const memberSession = await gu.createSession(member.id);

    expect(await gu.signInStatus(guestSession.token)).toEqual({
      userId: guest.id,
      hasPassword: false,
      signedInAt: clock.now() - 90_000,
    });
    expect(await gu.signInStatus(socialSession.token)).toEqual({
      userId: social.id,
      hasPassword: false,
      signedInAt: clock.now() - 60_000,
    });
    expect(await gu.signInStatus(memberSession.token)).toEqual({
      userId: member.id,
      hasPassword: true,
      signedInAt: clock.now(),
    });
  });

  it("is null for no token, a malformed, forged or ended session", async () => {
    const clock = testClock();
    const gu = await fx.open({ clock: clock.now, tablePrefix: "sis_null_" });
    const { session } = await gu.createGuestSession();
    const [id] = session.token.split(".");
    expect(await gu.signInStatus(null)).toBeNull();
    expect(await gu.signInStatus("not a token")).toBeNull();
    expect(await gu.signInStatus(`${id}.${"A".repeat(43)}`)).toBeNull();
    clock.advance(gu.settings.session.maxAge + 1);
    expect(await gu.signInStatus(session.token)).toBeNull();
  });
});
