import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { identityUsername } from "../../src/core/model/identity-usernames.ts";
import { GuestUserError, type GuestUsers, type Identity, type User } from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const PERSON = { password1: PASSWORD, password2: PASSWORD };

const rufus = (subject = "583231", extra: Partial<Identity> = {}): Identity => ({
  provider: "github",
  subject,
  email: "rufus@example.com",
  preferredUsername: "Rufus",
  ...extra,
});

const codeOf = (error: unknown) => (error as GuestUserError).code;
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

async function converted(gu: GuestUsers, prefix: string): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select coalesce(sum(converted), 0) as n
    from ${sql.table(`${prefix}funnel_days`)}`.execute(gu.db);
  return Number(rows[0]?.n ?? 0);
}

describe("identityUsername", () => {
  it("takes the preferred username, else the e-mail's local part, else <provider>user", () => {
    expect(identityUsername(rufus(), 150)).toBe("Rufus");
    expect(identityUsername(rufus("1", { preferredUsername: null }), 150)).toBe("rufus");
    expect(identityUsername({ provider: "oidc", subject: "1" }, 150)).toBe("oidcuser");
    expect(
      identityUsername({ provider: "oidc", subject: "1", preferredUsername: "Ｒｕｆｕｓ Ｔ" }, 150),
    ).toBe("RufusT");
    expect(
      identityUsername({ provider: "oidc", subject: "1", preferredUsername: "x".repeat(300) }, 20),
    ).toBe("x".repeat(20));
  });
});

describeEachDatabase("social-login identities", (fx) => {
  it("converts a guest in place: same id, the identity's name and e-mail, no password, sessions ended", async () => {
    const gu = await fx.open({ tablePrefix: "id_a_" });
    const { user: guest, session } = await gu.createGuestSession();
    await gu.setGuestData(guest, { cart: ["book"] });
    const events: string[] = [];
    gu.on("converted", ({ user }) => void events.push(`converted:${user.username}`));
    gu.on("convertedSocialAccount", ({ user, identity }) => {
      events.push(`social:${user.id === guest.id}:${identity.provider}:${identity.subject}`);
    });
    const user = await gu.convertWithIdentity(guest, rufus());
    expect(user).toMatchObject({
      id: guest.id,
      username: "Rufus",
      email: "rufus@example.com",
      isGuest: false,
    });
    expect(events).toEqual(["converted:Rufus", "social:true:github:583231"]);
    expect(await gu.isGuestUser(guest)).toBe(false);
    expect(await gu.validateSession(session.token)).toBeNull();
    expect(await converted(gu, "id_a_")).toBe(1);
    // No usable password: a social-only user can never log in by password.
    const { rows } = await sql<{ password: unknown }>`select password from id_a_users
      where id = ${guest.id}`.execute(gu.db);
    expect(rows[0]?.password).toBeNull();
    expect(await gu.authenticate({ username: "Rufus", password: "" })).toBeNull();
    expect(await gu.authenticate({ username: "Rufus", password: PASSWORD })).toBeNull();
    expect(await gu.identitiesOf(guest)).toMatchObject([
      { provider: "github", subject: "583231", userId: guest.id, email: "rufus@example.com" },
    ]);
    // A second sign-in with the identity finds the same user.
    expect(await gu.signInWithIdentity(rufus())).toMatchObject({ id: guest.id, isGuest: false });
    expect(await gu.signInWithIdentity(rufus("someone-else"))).toBeNull();
  });

  it("suffixes a taken username with the first free number, as the reference (Rufus3)", async () => {
    const gu = await fx.open({ tablePrefix: "id_b_" });
    await gu.createUser({ username: "rufus", ...PERSON });
    await gu.createUser({ username: "RUFUS2", ...PERSON });
    await gu.createUser({ username: "Rufus4", ...PERSON });
    const guest = await gu.createGuestUser();
    expect((await gu.convertWithIdentity(guest, rufus("1"))).username).toBe("Rufus3");
    const next = await gu.convertWithIdentity(await gu.createGuestUser(), rufus("2"));
    expect(next.username).toBe("Rufus5");
    const created = await gu.createUserWithIdentity(rufus("3"));
    expect(created).toMatchObject({ username: "Rufus6", isGuest: false });
    // Many taken names: still found, past the first batch of candidates.
    for (let n = 7; n <= 30; n++) await gu.createUser({ username: `Rufus${n}`, ...PERSON });
    expect((await gu.createUserWithIdentity(rufus("4"))).username).toBe("Rufus31");
  });

  it("refuses an identity linked to another user with IDENTITY_TAKEN, changing nothing", async () => {
    const gu = await fx.open({ tablePrefix: "id_c_" });
    const owner = await gu.createUserWithIdentity(rufus());
    const guest = await gu.createGuestUser();
    const error = await rejection(gu.convertWithIdentity(guest, rufus()));
    expect(error).toBeInstanceOf(GuestUserError);
    expect(codeOf(error)).toBe("IDENTITY_TAKEN");
    expect(await gu.getUser(guest)).toMatchObject({ username: guest.username, isGuest: true });
    expect(codeOf(await rejection(gu.createUserWithIdentity(rufus())))).toBe("IDENTITY_TAKEN");
    const other = await gu.createUser({ username: "other", ...PERSON });
    expect(codeOf(await rejection(gu.linkIdentity(other, rufus())))).toBe("IDENTITY_TAKEN");
    expect(await gu.identitiesOf(other)).toEqual([]);
    expect((await gu.identitiesOf(owner)).map((i) => i.subject)).toEqual(["583231"]);
    expect(await converted(gu, "id_c_")).toBe(0);
  });

  it("refuses a registered user with NOT_GUEST, and bad identities with VALIDATION_FAILED", async () => {
    const gu = await fx.open({ tablePrefix: "id_d_" });
    const registered = await gu.createUser({ username: "reg", ...PERSON });
    expect(codeOf(await rejection(gu.convertWithIdentity(registered, rufus())))).toBe("NOT_GUEST");
    expect(await gu.identitiesOf(registered)).toEqual([]);
    const guest = await gu.createGuestUser();
    for (const bad of [
      { provider: "", subject: "1" },
      { provider: "github", subject: "" },
      { provider: "git hub", subject: "1" },
      { provider: "github", subject: "x".repeat(256) },
    ]) {
      expect(codeOf(await rejection(gu.convertWithIdentity(guest, bad)))).toBe("VALIDATION_FAILED");
    }
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("links identities to registered users: idempotent, never to a guest", async () => {
    const gu = await fx.open({ tablePrefix: "id_e_" });
    const user = await gu.createUser({ username: "ada", ...PERSON });
    const linked = await gu.linkIdentity(user, rufus());
    expect(linked).toMatchObject({ provider: "github", subject: "583231", userId: user.id });
    expect(await gu.linkIdentity(user, rufus())).toMatchObject({ userId: user.id });
    await gu.linkIdentity(user, { provider: "google", subject: "g-1" });
    expect((await gu.identitiesOf(user)).map((i) => i.provider).sort()).toEqual([
      "github",
      "google",
    ]);
    expect(await gu.signInWithIdentity({ provider: "google", subject: "g-1" })).toMatchObject({
      id: user.id,
      username: "ada",
    });
    const guest = await gu.createGuestUser();
    expect(codeOf(await rejection(gu.linkIdentity(guest, rufus("9"))))).toBe("NOT_REGISTERED");
    // The user's password still works: linking does not touch it.
    expect(await gu.authenticate({ username: "ada", password: PASSWORD })).not.toBeNull();
  });

  it("merges a guest signing in with a known identity through the merged listeners", async () => {
    const gu = await fx.open({ tablePrefix: "id_f_" });
    const owner = await gu.createUserWithIdentity(rufus());
    const guest = await gu.createGuestUser();
    const merges: [unknown, unknown][] = [];
    gu.on("merged", ({ guest: from, user }) => void merges.push([from.id, user.id]));
    const user = await gu.signInWithIdentity(rufus(), { current: guest });
    expect(user).toMatchObject({ id: owner.id });
    expect(merges).toEqual([[guest.id, owner.id]]);
    expect(await gu.getUser(guest)).toBeNull();
  });

  it("connectIdentity: signs in, converts, links or creates", async () => {
    const gu = await fx.open({ tablePrefix: "id_g_" });
    const guest = await gu.createGuestUser();
    const a = await gu.connectIdentity(rufus("c1"), { current: guest });
    expect(a).toMatchObject({ outcome: "converted", user: { id: guest.id, isGuest: false } });
    const b = await gu.connectIdentity(rufus("c1"));
    expect(b).toMatchObject({ outcome: "signedIn", user: { id: guest.id } });
    const c = await gu.connectIdentity(rufus("c2"), { current: b.user });
    expect(c).toMatchObject({ outcome: "linked", user: { id: guest.id } });
    const d = await gu.connectIdentity(rufus("c3"));
    expect(d.outcome).toBe("created");
    expect(d.user.id).not.toBe(guest.id);
  });

  it("lets exactly one of two parallel conversions of one guest win; the other gets NOT_GUEST", async () => {
    const gu = await fx.open({ tablePrefix: "id_h_" });
    for (let round = 0; round < 3; round++) {
      const guest = await gu.createGuestUser();
      const results = await Promise.allSettled([
        gu.convertWithIdentity(guest, rufus(`h${round}a`)),
        gu.convertWithIdentity(guest, rufus(`h${round}b`)),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((r) => codeOf(r.reason))).toEqual(["NOT_GUEST"]);
      expect(await gu.identitiesOf(guest)).toHaveLength(1);
    }
    expect(await converted(gu, "id_h_")).toBe(3);
  });

  it("gives a new identity to one of two guests converting with it; the other stays intact", async () => {
    const gu = await fx.open({ tablePrefix: "id_i_" });
    for (let round = 0; round < 3; round++) {
      const guests = [await gu.createGuestUser(), await gu.createGuestUser()];
      const identity = rufus(`i${round}`);
      const results = await Promise.allSettled(
        guests.map((g) => gu.convertWithIdentity(g, identity)),
      );
      const won = results.filter(
        (r): r is PromiseFulfilledResult<User> => r.status === "fulfilled",
      );
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((r) => codeOf(r.reason))).toEqual(["IDENTITY_TAKEN"]);
      const loser = guests.find((g) => g.id !== won[0]?.value.id) as User;
      expect(await gu.getUser(loser)).toMatchObject({ username: loser.username, isGuest: true });
      expect(await gu.identitiesOf(loser)).toEqual([]);
    }
  });

  it("gives parallel conversions wanting the same name distinct suffixes", async () => {
    const gu = await fx.open({ tablePrefix: "id_j_" });
    const guests = await Promise.all(Array.from({ length: 4 }, () => gu.createGuestUser()));
    const users = await Promise.all(
      guests.map((g, i) =>
        gu.convertWithIdentity(g, rufus(`j${i}`, { preferredUsername: "Racer" })),
      ),
    );
    expect(users.map((u) => u.username).sort()).toEqual(["Racer", "Racer2", "Racer3", "Racer4"]);
    const created = await Promise.all(
      [5, 6].map((i) => gu.createUserWithIdentity(rufus(`j${i}`, { preferredUsername: "Racer" }))),
    );
    expect(created.map((u) => u.username).sort()).toEqual(["Racer5", "Racer6"]);
  });
});
