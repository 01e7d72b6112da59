import { afterEach, expect, it } from "vitest";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { testMeter } from "./meter.ts";

const PASSWORD = "Zebra-Quantum-77!";
const PERSON = { password1: PASSWORD, password2: PASSWORD };
const CREATED = "guest_user.guests.created";
const CONVERTED = "guest_user.guests.converted";
const MERGED = "guest_user.guests.merged";
const DELETED = "guest_user.users.deleted";
const LOOKUP = "guest_user.session.lookup.duration";
const DAY = 86_400;

let prefixes = 0;
const prefix = () => `met_${++prefixes}_${Math.random().toString(36).slice(2, 6)}_`;

describeEachDatabase("metrics of the core operations", (fx) => {
  let otel = testMeter();
  afterEach(async () => {
    await otel.shutdown();
    otel = testMeter();
  });
  const open = (options: Parameters<typeof fx.open>[0] = {}) =>
    fx.open({ tablePrefix: prefix(), metrics: otel.meter, ...options });

  it("counts every guest created, and none found again by the same browser's key", async () => {
    const gu = await open();
    await gu.createGuestUser();
    await gu.createGuestSession();
    await gu.createGuestSession({ creationKey: "k".repeat(43) });
    await gu.createGuestSession({ creationKey: "k".repeat(43) }); // the same guest, converged
    expect(await otel.count(CREATED)).toBe(3);
    // Registered users are no guests.
    await gu.createUser({ username: "ada", ...PERSON });
    expect(await otel.count(CREATED)).toBe(3);
  });

  it("counts conversions by method: form and social", async () => {
    const gu = await open();
    await gu.convert(await gu.createGuestUser(), { username: "ada", ...PERSON });
    await gu.convertWithIdentity(await gu.createGuestUser(), {
      provider: "github",
      subject: "583231",
      preferredUsername: "Rufus",
    });
    expect(await otel.count(CONVERTED, { method: "form" })).toBe(1);
    expect(await otel.count(CONVERTED, { method: "social" })).toBe(1);
    // A refused conversion (the username is taken) counts nothing.
    const again = gu.convert(await gu.createGuestUser(), { username: "ada", ...PERSON });
    await expect(again).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await otel.count(CONVERTED)).toBe(2);
  });

  it("counts nothing for a conversion its transaction rolled back", async () => {
    const gu = await open({
      userStore: (base) => ({
        ...base,
        setCredentials: async () => {
          throw new Error("disk full");
        },
      }),
    });
    const guest = await gu.createGuestUser();
    await expect(gu.convert(guest, { username: "ada", ...PERSON })).rejects.toThrow("disk full");
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(await otel.count(CONVERTED)).toBe(0);
    expect(await otel.metric(CONVERTED)).toBeNull();
  });

  it("counts merges, and no merge a listener rolled back", async () => {
    const gu = await open();
    const account = await gu.createUser({ username: "owner", ...PERSON });
    const stop = gu.on("merged", () => {});
    expect(await gu.mergeGuest(await gu.createGuestUser(), account)).toBe(true);
    stop();
    gu.on("merged", () => {
      throw new Error("quota exceeded");
    });
    const kept = await gu.createGuestUser();
    expect(await gu.mergeGuest(kept, account)).toBe(false);
    expect(await gu.isGuestUser(kept)).toBe(true);
    expect(await otel.count(MERGED)).toBe(1);
  });

  it("counts deletions by who deleted and what kind of user, never a rolled-back one", async () => {
    let refuse = false;
    const gu = await open({
      beforeDelete: () => {
        if (refuse) throw new Error("uploads still there");
      },
    });
    await gu.deleteUser(await gu.createGuestUser(), { by: "self" });
    await gu.deleteUser(await gu.createUser({ username: "bob", ...PERSON }), { by: "admin" });
    const a = await gu.createGuestUser();
    const b = await gu.createGuestUser();
    const registered = await gu.createUser({ username: "carol", ...PERSON });
    expect(await gu.deleteGuests([a.id, b.id, registered.id])).toBe(2);
    expect(await gu.deleteUser(a)).toBe(false); // already gone: nothing deleted, nothing counted
    refuse = true;
    await expect(gu.deleteUser(await gu.createGuestUser())).rejects.toThrow("uploads");
    expect(await otel.count(DELETED, { by: "self", kind: "guest" })).toBe(1);
    expect(await otel.count(DELETED, { by: "admin", kind: "registered" })).toBe(1);
    expect(await otel.count(DELETED, { by: "admin", kind: "guest" })).toBe(2);
    expect(await otel.count(DELETED)).toBe(4);
  });

  it("counts what clean-up deleted, batch by batch", async () => {
    const clock = testClock();
    const gu = await open({ clock: clock.now, maxAge: DAY });
    for (let i = 0; i < 5; i++) await gu.createGuestUser();
    const keep = await gu.createUser({ username: "dora", ...PERSON });
    clock.advance(2 * DAY);
    const fresh = await gu.createGuestUser();
    const progress: number[] = [];
    const result = await gu.deleteExpired({
      batchSize: 2,
      onProgress: (p) => progress.push(p.deleted),
    });
    expect(result.deleted).toBe(5);
    expect(progress).toEqual([2, 4, 5]);
    expect(await otel.count(DELETED, { by: "cleanup", kind: "guest" })).toBe(5);
    expect(await otel.count(DELETED)).toBe(5);
    expect(await gu.getUser(keep.id)).not.toBeNull();
    expect(await gu.isGuestUser(fresh)).toBe(true);
    // A dry run deletes, and counts, nothing.
    clock.advance(2 * DAY);
    await gu.deleteExpired({ dryRun: true });
    expect(await otel.count(DELETED)).toBe(5);
  });

  it("times session lookups in seconds, as hits and misses", async () => {
    const gu = await open();
    const { session } = await gu.createGuestSession();
    expect(await gu.validateSession(session.token)).not.toBeNull();
    expect(await gu.validateSession(session.token)).not.toBeNull();
    const [id] = session.token.split(".");
    expect(await gu.validateSession(`${id}.${"A".repeat(43)}`)).toBeNull(); // forged secret
    await gu.invalidateSession(session.token);
    expect(await gu.validateSession(session.token)).toBeNull(); // ended
    expect(await gu.validateSession("not a token")).toBeNull(); // malformed: no lookup at all
    expect((await otel.histogram(LOOKUP, { result: "hit" })).count).toBe(2);
    expect((await otel.histogram(LOOKUP, { result: "miss" })).count).toBe(2);
    const metric = await otel.metric(LOOKUP);
    expect(metric?.descriptor.unit).toBe("s");
  });
});
