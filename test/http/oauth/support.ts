/**
 * A real local OpenID Connect server (oauth2-mock-server: discovery, JWKS, authorize that
 * approves at once with a code, a token endpoint checking PKCE) and one small app per
 * framework with the OAuth views, for the social-login tests.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { OAuth2Server } from "oauth2-mock-server";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import type { GuestUserHttp } from "../../../src/http/guest-user-http.ts";
import { oauthViews, oidcProvider } from "../../../src/http/oauth/index.ts";
import { userJson } from "../../../src/http/request.ts";
import { accountViews } from "../../../src/http/views/index.ts";
import type { GuestUsers, UserId } from "../../../src/index.ts";
import { listenExpress, listenFastify, listenHono } from "../../support/adapter-servers.ts";
import { type CookieJar, cookieHeader, storeSetCookies } from "../../support/cookies.ts";

export const SECRET = "s".repeat(40);
export const CLIENT_ID = "guest-user-test";
export const CLIENT_SECRET = "client-secret-for-tests";

/** The local OpenID Connect issuer, with the claims its next ID tokens carry. */
export interface MockIssuer {
  readonly url: string;
  /** Claims put into every token signed from now on (`sub`, `email`, `preferred_username`...). */
  claims: Record<string, unknown>;
  /** Claims the UserInfo endpoint adds (its `sub` is always the ID token's). */
  userinfo: Record<string, unknown>;
  /** The query of each authorization request, and the body of each token request. */
  readonly authorizations: URLSearchParams[];
  readonly tokenRequests: Record<string, unknown>[];
  /** When set, the authorize endpoint answers with this `error` instead of a code. */
  refuseWith: string | null;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<MockIssuer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  await server.start(0, "127.0.0.1");
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  server.issuer.url = url;
  const issuer: MockIssuer = {
    url,
    claims: {},
    userinfo: {},
    authorizations: [],
    tokenRequests: [],
    refuseWith: null,
    close: () => server.stop(),
  };
  server.service.on("beforeTokenSigning", (token) => {
    Object.assign(token.payload, issuer.claims);
  });
  server.service.on("beforeUserinfo", (response) => {
    response.body = { ...issuer.userinfo, sub: issuer.claims.sub };
  });
  server.service.on("beforeAuthorizeRedirect", (redirect, req) => {
    issuer.authorizations.push(new URL(req.url ?? "", url).searchParams);
    if (issuer.refuseWith) {
      redirect.url.searchParams.delete("code");
      redirect.url.searchParams.set("error", issuer.refuseWith);
    }
  });
  server.service.on("beforeResponse", (_response, req) => {
    issuer.tokenRequests.push({ ...(req.body as Record<string, unknown>) });
  });
  return issuer;
}

export const FRAMEWORKS = ["express", "hono", "fastify"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export interface OAuthApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link startApp}. */
export interface AppOptions {
  /** Also mount the account views (profile, delete, login...). @default false */
  readonly accountViews?: boolean;
}

/**
 * The app: the OAuth views for one `oidc` provider, `GET /page/` behind allowGuestUser and
 * `GET /whoami/` (no guard), both answering `{ user }`; the account views with
 * `accountViews: true`.
 */
export async function startApp(
  framework: Framework,
  gu: GuestUsers,
  issuer: MockIssuer,
  options: AppOptions = {},
): Promise<OAuthApp> {
  const provider = oidcProvider({
    issuer: issuer.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  });
  const accounts = (http: GuestUserHttp) => (options.accountViews ? accountViews(http) : []);
  if (framework === "express") {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.session());
    app.use(guestUser.router(accounts(guestUser.http)));
    app.use(guestUser.router(oauthViews(guestUser.http, { providers: [provider] })));
    app.get("/page/", guestUser.allowGuestUser(), (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    app.get("/whoami/", (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    return listenExpress(app);
  }
  if (framework === "hono") {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.use(guestUser.routes(accounts(guestUser.http)));
    app.use(guestUser.routes(oauthViews(guestUser.http, { providers: [provider] })));
    app.get("/page/", guestUser.allowGuestUser(), (c) =>
      c.json(userJson(c.var.guestUser?.user ?? null)),
    );
    app.get("/whoami/", (c) => c.json(userJson(c.var.guestUser?.user ?? null)));
    return listenHono(app);
  }
  const guestUser = guestUserFastify(gu);
  const app = Fastify();
  await app.register(guestUser.session());
  await app.register(guestUser.routes(accounts(guestUser.http)));
  await app.register(guestUser.routes(oauthViews(guestUser.http, { providers: [provider] })));
  app.get("/page/", { preHandler: guestUser.allowGuestUser() }, async (request) =>
    userJson(request.guestUser?.user ?? null),
  );
  app.get("/whoami/", async (request) => userJson(request.guestUser?.user ?? null));
  return listenFastify(app);
}

export interface AnswerUser {
  id: UserId;
  username: string;
  isGuest: boolean;
}

/** A browser-like client of the app: a cookie jar, redirects followed by hand. */
export function client(base: string) {
  const jar: CookieJar = new Map();
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const target = new URL(url, base);
    const sameApp = target.origin === new URL(base).origin;
    const response = await fetch(target, {
      redirect: "manual",
      headers: { ...(sameApp && jar.size > 0 ? { cookie: cookieHeader(jar) } : {}), ...headers },
    });
    if (sameApp) storeSetCookies(jar, response);
    return response;
  };
  const self = {
    jar,
    get,
    async user(path = "/whoami/"): Promise<AnswerUser | null> {
      return ((await (await get(path)).json()) as { user: AnswerUser | null }).user;
    },
    /** Becomes a guest (GET /page/); returns it. */
    async guest(): Promise<AnswerUser> {
      return (await self.user("/page/")) as AnswerUser;
    },
    /** start -> the issuer's authorize (approves at once) -> the URL of our callback. */
    async authorize(next?: string): Promise<{ start: Response; callbackUrl: string }> {
      const query = next === undefined ? "" : `?next=${encodeURIComponent(next)}`;
      const start = await get(`/accounts/oauth/oidc/start/${query}`);
      if (start.status !== 302) throw new Error(`start answered ${start.status}`);
      const authorize = await get(start.headers.get("location") ?? "");
      return { start, callbackUrl: authorize.headers.get("location") ?? "" };
    },
    /** The whole sign-in; returns the callback's answer. */
    async signIn(next?: string): Promise<Response> {
      const { callbackUrl } = await self.authorize(next);
      return get(callbackUrl);
    },
  };
  return self;
}
