import express from "express";
import session from "express-session";
import Fastify from "fastify";
import { Hono } from "hono";
import passport from "passport";
import { expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import { accountViews } from "../../src/http/views/index.ts";
import { type GuestUsers, type RequestState, type UserId, userJson } from "../../src/index.ts";
import {
  closedAfterTest,
  listenExpress,
  listenFastify,
  listenHono,
} from "../support/adapter-servers.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { FRAMEWORKS, type Framework, SESSION } from "./frameworks.ts";

const DAY = 86_400;

/** What `/allow/` answers: the JSON user and the state's raw deadline. */
const answer = (state: RequestState | null | undefined) => ({
  ...userJson(state?.user ?? null, state?.expiresAt ?? null),
  expiresAt: state?.expiresAt,
});

/** The `name=value` pair of a response's Set-Cookie for `name`. */
const cookieOf = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] as string)
    .find((pair) => pair.startsWith(`${name}=`)) as string;

/** Express with express-session + Passport (`login: "passport"`), the same `/allow/` route. */
async function startPassport(gu: GuestUsers): Promise<string> {
  const guestUser = guestUserExpress(gu, { login: "passport" });
  const auth = new passport.Passport();
  auth.serializeUser<UserId>((user, done) => done(null, user.id));
  auth.deserializeUser<UserId>((id, done) =>
    done(null, {
      id,
      username: `app:${id}`,
      email: null,
      isGuest: false,
      createdAt: null,
      lastLoginAt: null,
      isStaff: false,
      hasPassword: true,
    }),
  );
  const app = express();
  app.use(session({ secret: "x".repeat(40), resave: false, saveUninitialized: false }));
  app.use(auth.session());
  app.use(guestUser.session());
  app.get("/allow/", guestUser.allowGuestUser(), (req, res) => {
    res.json(answer(req.guestUser));
  });
  return closedAfterTest(await listenExpress(app));
}

/** An app with the session middleware, an `allowGuestUser` route and the account views. */
async function start(framework: Framework, gu: GuestUsers): Promise<string> {
  if (framework === "express") {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.session());
    app.get("/allow/", guestUser.allowGuestUser(), (req, res) => {
      const expiresAt: number | null | undefined = req.guestUser?.expiresAt;
      res.json({ ...answer(req.guestUser), expiresAt });
    });
    app.use(guestUser.router(accountViews(guestUser.http)));
    return closedAfterTest(await listenExpress(app));
  }
  if (framework === "hono") {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.get("/allow/", guestUser.allowGuestUser(), (c) => {
      const expiresAt: number | null = c.var.guestUser.expiresAt;
      return c.json({ ...answer(c.var.guestUser), expiresAt });
    });
    app.use(guestUser.routes(accountViews(guestUser.http)));
    return closedAfterTest(await listenHono(app));
  }
  const guestUser = guestUserFastify(gu);
  const app = Fastify();
  await app.register(guestUser.session());
  app.get("/allow/", { preHandler: guestUser.allowGuestUser() }, async (request) => {
    const expiresAt: number | null | undefined = request.guestUser?.expiresAt;
    return { ...answer(request.guestUser), expiresAt };
  });
  await app.register(guestUser.routes(accountViews(guestUser.http)));
  return closedAfterTest(await listenFastify(app));
}

interface Answer {
  readonly user: { id: unknown; isGuest: boolean; expiresAt?: string | null } | null;
  readonly expiresAt?: unknown;
}

const headers = { "user-agent": BROWSER_USER_AGENT, accept: "application/json" };

describeEachDatabase("the guest's deadline through the adapters", (fx) => {
  /** A server on guests that live 3 days, and a first visit to `/allow/` that makes one. */
  async function firstVisit(tablePrefix: string, startServer: (gu: GuestUsers) => Promise<string>) {
    const clock = testClock();
    const gu = await fx.open({
      secret: "x".repeat(40),
      clock: clock.now,
      maxAge: 3 * DAY,
      tablePrefix,
    });
    const url = await startServer(gu);
    const first = await fetch(`${url}/allow/`, { headers });
    const deadline = clock.now() + 3 * DAY * 1000;
    const made = (await first.json()) as Answer;
    expect(made.user?.isGuest).toBe(true);
    expect(made.expiresAt).toBe(deadline);
    expect(made.user?.expiresAt).toBe(new Date(deadline).toISOString());
    return { gu, clock, url, first, made, deadline };
  }

  for (const framework of FRAMEWORKS) {
    it(`${framework}: the state and the JSON user carry expiresAt`, async () => {
      const { gu, clock, url, first, made, deadline } = await firstVisit(
        `dla_${framework}_`,
        (gu) => start(framework, gu),
      );
      const cookie = cookieOf(first, SESSION);
      clock.advance(30);
      const again = (await (
        await fetch(`${url}/allow/`, { headers: { ...headers, cookie } })
      ).json()) as Answer;
      expect(again).toEqual(made);
      const profile = await fetch(`${url}/accounts/profile/`, { headers: { ...headers, cookie } });
      const json = (await profile.json()) as Answer;
      expect(json.user).toEqual(made.user);
      expect(json.expiresAt).toBe(new Date(deadline).toISOString());
      expect(await gu.expiresAt(made.user?.id as number)).toBe(deadline);
    });
  }

  it("express with Passport: the state carries the deadline (one query of its own)", async () => {
    const { clock, url, first, made } = await firstVisit("dla_passport_", startPassport);
    clock.advance(30);
    const cookie = cookieOf(first, "connect.sid");
    const again = await fetch(`${url}/allow/`, { headers: { ...headers, cookie } });
    expect(await again.json()).toEqual(made);
  });
});
