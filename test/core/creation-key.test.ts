import { expect, it } from "vitest";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const KEY = "k".repeat(64);

describeEachDatabase("a guest's creation key", (fx) => {
  it("hands the guest over during the insert race only: later the key is spent, never passed on", async () => {
    const clock = testClock();
    const gu = await fx.open({ tablePrefix: "key_a_", clock: clock.now });
    const first = await gu.createGuestSession({ creationKey: KEY });
    clock.advance(1);
    const racing = await gu.createGuestSession({ creationKey: KEY });
    expect(racing.user.id).toBe(first.user.id);
    expect(racing.session.token).not.toBe(first.session.token);
    expect((await gu.validateSession(racing.session.token))?.user.id).toBe(first.user.id);

    clock.advance(10);
    const late = await gu.createGuestSession({ creationKey: KEY });
    expect(late.user.id).not.toBe(first.user.id);
    const later = await gu.createGuestSession({ creationKey: KEY });
    expect([first.user.id, late.user.id]).not.toContain(later.user.id);
    expect((await gu.stats()).guests).toBe(3);
  });

  it("ends with the guest's session: after a log-out the key never reaches the guest again", async () => {
    const gu = await fx.open({ tablePrefix: "key_b_", clock: testClock().now });
    const first = await gu.createGuestSession({ creationKey: KEY });
    await gu.invalidateSession(first.session.token);
    const again = await gu.createGuestSession({ creationKey: KEY });
    expect(again.user.id).not.toBe(first.user.id);
    expect(await gu.isGuestUser(first.user.id)).toBe(true); // the guest itself stays
  });

  it("leaves other guests' keys alone when a session ends", async () => {
    const gu = await fx.open({ tablePrefix: "key_c_", clock: testClock().now });
    const kept = await gu.createGuestSession({ creationKey: KEY });
    const other = await gu.createGuestSession();
    const user = await gu.createUser({
      username: "registered",
      password1: "Zebra-Quantum-77!",
      password2: "Zebra-Quantum-77!",
    });
    await gu.invalidateSession(other.session.token);
    await gu.invalidateSession((await gu.createSession(user.id)).token);
    await gu.invalidateSession("unknown.token");
    expect((await gu.createGuestSession({ creationKey: KEY })).user.id).toBe(kept.user.id);
  });
});
