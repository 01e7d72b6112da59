import type { Request as ExpressRequest } from "express";
import express from "express";
import session from "express-session";
import passport from "passport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GuestUserExpress,
  guestUserExpress,
  type PassportProfile,
  passportIdentity,
} from "../../../src/adapters/express/index.ts";
import type { GuestUsers, User, UserId } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  answerUser,
  browser,
  errorHandler,
  listen,
  type RunningServer,
  SECRET,
} from "./harness.ts";

type Verify = (
  req: ExpressRequest,
  profile: PassportProfile,
  done: (error: unknown, user?: User | false) => void,
) => void;

/**
 * A stand-in for an OAuth strategy (passport-github2 and the like) after its code exchange:
 * the "provider's" profile comes from the query, then the app's verify callback runs.
 */
class ProfileStrategy extends passport.Strategy {
  override name = "fake-oauth";
  constructor(private readonly verify: Verify) {
    super();
  }
  override authenticate(req: ExpressRequest) {
    const profile: PassportProfile = {
      provider: "github",
      id: String(req.query.id),
      username: String(req.query.login),
      emails: [{ value: `${String(req.query.login)}@example.com`, verified: true }],
    };
    this.verify(req, profile, (error, user) => {
      if (error) this.error(error);
      else if (!user) this.fail();
      else this.success(user);
    });
  }
}

/** The verify callback of the README: the Passport helper. */
const verifyWith =
  (guestUser: GuestUserExpress): Verify =>
  (req, profile, done) => {
    guestUser.socialLogin(req, passportIdentity(profile)).then((user) => done(null, user), done);
  };

describe("passportIdentity", () => {
  it("maps a Passport profile to an identity, preferring a verified e-mail", () => {
    expect(
      passportIdentity({
        provider: "github",
        id: 42,
        username: "Rufus",
        displayName: "Rufus T.",
        emails: [{ value: "old@example.com" }, { value: "r@example.com", verified: true }],
      }),
    ).toEqual({
      provider: "github",
      subject: "42",
      email: "r@example.com",
      emailVerified: true,
      preferredUsername: "Rufus",
      name: "Rufus T.",
    });
  });
});

describeEachDatabase("social login through a Passport strategy", (fx) => {
  describe("login: passport (express-session)", () => {
    let gu: GuestUsers;
    let server: RunningServer;
    const merges: [UserId, UserId][] = [];

    beforeAll(async () => {
      gu = await fx.open({ secret: SECRET, tablePrefix: "pp_a_" });
      gu.on("merged", ({ guest, user }) => void merges.push([guest.id, user.id]));
      const guestUser = guestUserExpress(gu, { login: "passport" });
      const auth = new passport.Passport();
      auth.use(new ProfileStrategy(verifyWith(guestUser)));
      auth.serializeUser<UserId>((user, done) => done(null, user.id));
      auth.deserializeUser<UserId>((id, done) => {
        gu.getUser(id).then((user) => done(null, user ?? false), done);
      });
      const app = express();
      app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
      app.use(auth.session());
      app.use(guestUser.session());
      app.get("/page/", guestUser.allowGuestUser(), answerUser);
      app.get("/whoami/", answerUser);
      app.get("/auth/callback/", auth.authenticate("fake-oauth"), (req, res) => {
        res.json({ id: (req.user as User).id });
      });
      app.use(errorHandler);
      server = await listen(app);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("converts the current guest in place (same id), then signs the same user in", async () => {
      const client = browser(server.url);
      const guest = await client.user("/page/");
      const callback = await client.fetch("/auth/callback/?id=1001&login=Rufus");
      expect(callback.status).toBe(200);
      expect(await callback.json()).toEqual({ id: guest?.id });
      expect(await client.user("/whoami/")).toEqual({
        id: guest?.id,
        username: "Rufus",
        isGuest: false,
      });
      expect((await gu.identitiesOf(guest?.id as UserId)).map((i) => i.subject)).toEqual(["1001"]);

      const other = browser(server.url);
      await other.fetch("/auth/callback/?id=1001&login=Rufus");
      expect(await other.user("/whoami/")).toMatchObject({ id: guest?.id, isGuest: false });
    });

    it("merges a guest signing in with a known identity; creates a user for an anonymous visitor", async () => {
      const first = browser(server.url);
      await first.fetch("/auth/callback/?id=2002&login=Known");
      const owner = await first.user("/whoami/");
      expect(owner).toMatchObject({ username: "Known", isGuest: false });
      const client = browser(server.url);
      const guest = await client.user("/page/");
      await client.fetch("/auth/callback/?id=2002&login=Known");
      expect(await client.user("/whoami/")).toMatchObject({ id: owner?.id });
      expect(merges).toContainEqual([guest?.id, owner?.id]);
      expect(await gu.getUser(guest?.id as UserId)).toBeNull();
    });
  });

  describe("cookie sessions (passport.authenticate with session: false)", () => {
    let gu: GuestUsers;
    let server: RunningServer;

    beforeAll(async () => {
      gu = await fx.open({ secret: SECRET, tablePrefix: "pp_b_" });
      const guestUser = guestUserExpress(gu);
      const auth = new passport.Passport();
      auth.use(new ProfileStrategy(verifyWith(guestUser)));
      const app = express();
      app.use(guestUser.session());
      app.get("/page/", guestUser.allowGuestUser(), answerUser);
      app.get("/whoami/", answerUser);
      app.get("/auth/callback/", auth.authenticate("fake-oauth", { session: false }), answerUser);
      app.use(errorHandler);
      server = await listen(app);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("converts the guest and logs it in with a NEW session cookie of ours", async () => {
      const client = browser(server.url);
      const guest = await client.user("/page/");
      const before = client.cookies.get("guest_user_session");
      expect(await client.user("/auth/callback/?id=3003&login=Cookie")).toEqual({
        id: guest?.id,
        username: "Cookie",
        isGuest: false,
      });
      expect(client.cookies.get("guest_user_session")).not.toBe(before);
      expect(await client.user("/whoami/")).toMatchObject({ id: guest?.id, isGuest: false });
      expect(await gu.getUser(guest?.id as UserId)).toMatchObject({ email: "Cookie@example.com" });
    });
  });
});
