import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import * as decorators from "../../src/http/decorators.ts";
import {
  accountViews,
  createGuestUserHttp,
  fetchHandler,
  type GuestUsers,
  type GuestUsersOptions,
  type HandlerContext,
  RegularUserRequiredMixin,
  type RequestState,
  TermsRequiredMixin,
  View,
} from "../../src/index.ts";
import {
  listenExpress,
  listenFastify,
  listenHono,
  serverPerTest,
  type TestServer,
  uniquePrefix,
} from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "t".repeat(40);
const SESSION = "guest_user_session";
const PASSWORD = "Zebra-Quantum-77!";
const TERMS = { version: "2026-11", url: "/legal/terms/" };
const MUST = "You must accept the terms of service.";

/** What the guarded test pages answer. */
const who = (state: RequestState | null | undefined) => ({
  user: state?.user ? { username: state.user.username, isGuest: state.user.isGuest } : null,
});

/** A class-based view behind the TermsRequiredMixin. */
class TermsPage extends TermsRequiredMixin(View) {
  override get = async (_request: Request, { state }: HandlerContext) => Response.json(who(state));
}

/** The same app on each framework: the account views, `/dashboard/` behind termsRequired(), `/mixin/`. */
const servers: Record<"express" | "hono" | "fastify", (gu: GuestUsers) => Promise<TestServer>> = {
  async express(gu) {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.session());
    app.use(guestUser.router(accountViews(guestUser.http)));
    app.get("/dashboard/", guestUser.termsRequired(), (req, res) => {
      res.json(who(req.guestUser));
    });
    app.all("/mixin/", guestUser.mount(TermsPage.asView()));
    return listenExpress(app);
  },
  async hono(gu) {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.use(guestUser.routes(accountViews(guestUser.http)));
    app.get("/dashboard/", guestUser.termsRequired(), (c) => c.json(who(c.var.guestUser)));
    app.get("/mixin/", guestUser.mount(TermsPage.asView()));
    return listenHono(app);
  },
  async fastify(gu) {
    const guestUser = guestUserFastify(gu);
    const app = Fastify();
    await app.register(guestUser.session());
    await app.register(guestUser.routes(accountViews(guestUser.http)));
    app.get("/dashboard/", { preHandler: guestUser.termsRequired() }, async (request) =>
      who(request.guestUser),
    );
    app.get("/mixin/", guestUser.mount(TermsPage.asView()));
    return listenFastify(app);
  },
};

/** A browser over real HTTP: keeps cookies, follows no redirect. */
function browser(base: string) {
  const { jar, send } = cookieClient(base);
  const postForm = (path: string, fields: Record<string, string>) =>
    send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
  const postJson = (path: string, body: unknown) =>
    send(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", origin: base },
      body: JSON.stringify(body),
    });
  const getJson = async (path: string) =>
    (await send(path, { headers: { accept: "application/json" } })).json() as Promise<
      Record<string, unknown>
    >;
  /** The csrf_token of the page's form. */
  const csrf = async (path: string) => {
    const match = /name="csrf_token" value="([^"]*)"/.exec(await (await send(path)).text());
    if (!match?.[1]) throw new Error(`no csrf_token on ${path}`);
    return match[1];
  };
  return { jar, send, postForm, postJson, getJson, csrf };
}

type Browser = ReturnType<typeof browser>;

async function logInAs(client: Browser, gu: GuestUsers, username: string) {
  const user = await gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });
  client.jar.set(SESSION, (await gu.createSession(user.id)).token);
  return user;
}

async function logInAsGuest(client: Browser, gu: GuestUsers) {
  const { user, session } = await gu.createGuestSession();
  client.jar.set(SESSION, session.token);
  return user;
}

const location = (response: Response) => [response.status, response.headers.get("location")];

describeEachDatabase("terms of service over HTTP", (fx) => {
  for (const [framework, start] of Object.entries(servers)) {
    describe(framework, () => {
      const serve = serverPerTest(fx, start, () => ({
        secret: SECRET,
        tablePrefix: uniquePrefix(`tos_${framework}`),
        terms: TERMS,
      }));
      const withServer = (
        body: (client: Browser, gu: GuestUsers, prefix: string) => Promise<void>,
        options: GuestUsersOptions = {},
      ) =>
        serve(
          (server, gu, opened) => body(browser(server.url), gu, opened.tablePrefix as string),
          options,
        );

      it("sends a registered user to the accept page and back; accepting needs CSRF and the box", () =>
        withServer(async (client, gu) => {
          const user = await logInAs(client, gu, "ada");
          const first = await client.send("/dashboard/?tab=2");
          expect(location(first)).toEqual([302, "/accounts/terms/?next=/dashboard/%3Ftab%3D2"]);
          const page = await client.send("/accounts/terms/?next=/dashboard/%3Ftab%3D2");
          const html = await page.text();
          expect(page.status).toBe(200);
          expect(html).toContain('href="/legal/terms/"');
          expect(html).toContain("2026-11");
          expect(html).toContain('name="accept_terms" type="checkbox"');
          // No CSRF token: 403, nothing stored.
          const forged = await client.postForm("/accounts/terms/", { accept_terms: "on" });
          expect(forged.status).toBe(403);
          expect(await gu.termsAcceptance(user)).toBeNull();
          // The box not ticked: the page again with the error, nothing stored.
          const token = await client.csrf("/accounts/terms/");
          const unticked = await client.postForm("/accounts/terms/", {
            csrf_token: token,
            next: "/dashboard/?tab=2",
          });
          expect(await unticked.text()).toContain(MUST);
          expect(await gu.termsAcceptance(user)).toBeNull();
          const accepted = await client.postForm("/accounts/terms/", {
            csrf_token: token,
            next: "/dashboard/?tab=2",
            accept_terms: "on",
          });
          expect(location(accepted)).toEqual([302, "/dashboard/?tab=2"]);
          expect((await gu.termsAcceptance(user))?.version).toBe("2026-11");
          const back = await client.send("/dashboard/?tab=2");
          expect(back.status).toBe(200);
          expect(await back.json()).toEqual({ user: { username: "ada", isGuest: false } });
        }));

      it("lets guests and anonymous visitors through; without terms, registered users too", async () => {
        await withServer(async (client, gu) => {
          const anonymous = await client.send("/dashboard/");
          expect([anonymous.status, await anonymous.json()]).toEqual([200, { user: null }]);
          await logInAsGuest(client, gu);
          const guest = await client.send("/dashboard/");
          expect(guest.status).toBe(200);
          expect(((await guest.json()) as ReturnType<typeof who>).user?.isGuest).toBe(true);
          // The accept page is only for signed-in visitors: anonymous ones log in first.
          client.jar.clear();
          const login = await client.send("/accounts/terms/?next=/dashboard/");
          expect(location(login)).toEqual([
            302,
            "/accounts/login/?next=/accounts/terms/%3Fnext%3D/dashboard/",
          ]);
        });
        await withServer(
          async (client, gu) => {
            await logInAs(client, gu, "ada");
            expect((await client.send("/dashboard/")).status).toBe(200);
            // No terms, no accept page.
            expect((await client.send("/accounts/terms/")).status).toBe(404);
          },
          { terms: null },
        );
      });

      it("asks again when the version changes", () =>
        withServer(async (client, gu, prefix) => {
          const user = await logInAs(client, gu, "ada");
          await gu.acceptTerms(user);
          expect((await client.send("/dashboard/")).status).toBe(200);
          // The site now publishes version 2027-01: a new app on the same tables.
          const newer = await fx.open({
            secret: SECRET,
            tablePrefix: prefix,
            terms: { ...TERMS, version: "2027-01" },
          });
          const server = await start(newer);
          try {
            const again = browser(server.url);
            again.jar.set(SESSION, client.jar.get(SESSION) as string);
            expect(location(await again.send("/dashboard/"))).toEqual([
              302,
              "/accounts/terms/?next=/dashboard/",
            ]);
            const html = await (await again.send("/accounts/terms/")).text();
            expect(html).toContain("have changed since you accepted version 2026-11");
            const token = await again.csrf("/accounts/terms/");
            const accepted = await again.postForm("/accounts/terms/", {
              csrf_token: token,
              accept_terms: "on",
            });
            expect(location(accepted)).toEqual([302, "/accounts/profile/"]);
            expect((await again.send("/dashboard/")).status).toBe(200);
            expect((await newer.termsAcceptance(user))?.version).toBe("2027-01");
          } finally {
            await server.close();
            await newer.close();
          }
        }));

      it("convert requires the box: without it a field error and still a guest; with it the acceptance is stored", () =>
        withServer(async (client, gu) => {
          const guest = await logInAsGuest(client, gu);
          const form = await (await client.send("/convert/")).text();
          expect(form).toContain("I accept the");
          expect(form).toContain('href="/legal/terms/"');
          expect(form).toContain("(version 2026-11)");
          const fields = { username: "grace", password1: PASSWORD, password2: PASSWORD };
          const token = await client.csrf("/convert/");
          const refused = await client.postForm("/convert/", { csrf_token: token, ...fields });
          expect(await refused.text()).toContain(MUST);
          const json = await client.postJson("/convert/", fields);
          expect(json.status).toBe(400);
          expect(await json.json()).toEqual({ errors: { accept_terms: [MUST] } });
          expect(await gu.isGuestUser(guest)).toBe(true);
          expect(await gu.termsAcceptance(guest)).toBeNull();
          const converted = await client.postForm("/convert/", {
            csrf_token: token,
            ...fields,
            accept_terms: "on",
          });
          expect(converted.status).toBe(302);
          expect(await gu.isGuestUser(guest)).toBe(false);
          expect((await gu.termsAcceptance(guest))?.version).toBe("2026-11");
          expect((await client.send("/dashboard/")).status).toBe(200);
        }));

      it("sign-up requires the box (JSON and HTML); with it the new user has accepted", () =>
        withServer(async (client, gu) => {
          expect(await (await client.send("/accounts/signup/")).text()).toContain(
            'name="accept_terms"',
          );
          const described = await client.getJson("/accounts/signup/");
          expect(described.terms).toEqual(TERMS);
          const fields = { username: "linus", password1: PASSWORD, password2: "mismatch" };
          const both = await client.postJson("/accounts/signup/", fields);
          expect(both.status).toBe(400);
          const errors = ((await both.json()) as { errors: Record<string, string[]> }).errors;
          expect(errors.accept_terms).toEqual([MUST]);
          expect(errors.password2).toBeDefined();
          const good = { ...fields, password2: PASSWORD };
          expect((await client.postJson("/accounts/signup/", good)).status).toBe(400);
          expect(await gu.authenticate({ username: "linus", password: PASSWORD })).toBeNull();
          const created = await client.postJson("/accounts/signup/", {
            ...good,
            accept_terms: true,
          });
          expect(created.status).toBe(200);
          const { user } = (await created.json()) as { user: { id: number | string } };
          expect((await gu.termsAcceptance(user.id))?.version).toBe("2026-11");
          expect((await client.send("/dashboard/")).status).toBe(200);
        }));

      it("answers JSON on the accept page, and a guest may accept early", () =>
        withServer(async (client, gu) => {
          const anonymous = await client.send("/accounts/terms/", {
            headers: { accept: "application/json" },
          });
          expect(anonymous.status).toBe(401);
          const guest = await logInAsGuest(client, gu);
          const before = await client.getJson("/accounts/terms/");
          expect(before).toMatchObject({
            version: "2026-11",
            url: "/legal/terms/",
            accepted: false,
          });
          expect(typeof before.csrfToken).toBe("string");
          const unticked = await client.postJson("/accounts/terms/", {});
          expect([unticked.status, await unticked.json()]).toEqual([
            400,
            { errors: { accept_terms: [MUST] } },
          ]);
          // Accepting a version that is no longer the current one: refused, nothing stored.
          const stale = await client.postJson("/accounts/terms/", {
            accept_terms: true,
            version: "2025-01",
          });
          expect(stale.status).toBe(400);
          expect(Object.keys(((await stale.json()) as { errors: object }).errors)).toEqual([
            "version",
          ]);
          expect(await gu.termsAcceptance(guest)).toBeNull();
          const accepted = await client.postJson("/accounts/terms/", { accept_terms: true });
          expect(await accepted.json()).toEqual({
            accepted: true,
            version: "2026-11",
            redirect: "/accounts/profile/",
          });
          expect((await client.getJson("/accounts/terms/")).accepted).toBe(true);
          expect((await gu.termsAcceptance(guest))?.version).toBe("2026-11");
        }));

      it("guards a TermsRequiredMixin view mounted in the app", () =>
        withServer(async (client, gu) => {
          const user = await logInAs(client, gu, "ada");
          expect(location(await client.send("/mixin/"))).toEqual([
            302,
            "/accounts/terms/?next=/mixin/",
          ]);
          await gu.acceptTerms(user);
          expect((await client.send("/mixin/")).status).toBe(200);
        }));
    });
  }

  it("the termsRequired decorator (bare and with options) guards a method", async () => {
    const gu = await fx.open({ secret: SECRET, tablePrefix: "tos_decorator_", terms: TERMS });
    const http = createGuestUserHttp(gu);
    const method = async (_request: Request, { state }: HandlerContext) =>
      Response.json(who(state));
    const context = {} as ClassMethodDecoratorContext;
    const bare = decorators.termsRequired(method, context);
    const custom = decorators.termsRequired({
      acceptUrl: "/legal/accept/",
      redirectFieldName: "back",
    })(method, context);
    const user = await gu.createUser({ username: "ada", password1: PASSWORD, password2: PASSWORD });
    const cookie = `${SESSION}=${(await gu.createSession(user.id)).token}`;
    const call = (handler: typeof bare) =>
      fetchHandler(http, [], (request, ctx) => handler(request, ctx))(
        new Request("http://localhost/reports/?q=1", { headers: { cookie } }),
      );
    expect(location(await call(bare))).toEqual([302, "/accounts/terms/?next=/reports/%3Fq%3D1"]);
    expect(location(await call(custom))).toEqual([302, "/legal/accept/?back=/reports/%3Fq%3D1"]);
    await gu.acceptTerms(user);
    expect((await call(bare)).status).toBe(200);
    expect((await call(custom)).status).toBe(200);
  });

  it("the mixin stacks on RegularUserRequiredMixin: anonymous visitors log in, then accept", async () => {
    const gu = await fx.open({ secret: SECRET, tablePrefix: "tos_stacked_", terms: TERMS });
    const http = createGuestUserHttp(gu);
    class Members extends TermsRequiredMixin(RegularUserRequiredMixin(View)) {
      override termsAcceptUrl = "/legal/accept/";
      override get = async () => new Response("members");
    }
    const user = await gu.createUser({ username: "ada", password1: PASSWORD, password2: PASSWORD });
    const cookie = `${SESSION}=${(await gu.createSession(user.id)).token}`;
    const call = (headers: HeadersInit = {}) =>
      fetchHandler(
        http,
        [],
        Members.asView(),
      )(new Request("http://localhost/members/", { headers }));
    expect(location(await call())).toEqual([302, "/accounts/login/?next=/members/"]);
    expect(location(await call({ cookie }))).toEqual([302, "/legal/accept/?next=/members/"]);
    await gu.acceptTerms(user);
    expect(await (await call({ cookie })).text()).toBe("members");
  });
});
