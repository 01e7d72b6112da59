import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ErrorRequestHandler, Express, RequestHandler } from "express";
import express5 from "express";
import express4 from "express4";
import type { GuestUserExpress } from "../../../src/adapters/express/index.ts";
import { userJson } from "../../../src/http/request.ts";

/** The Express versions every HTTP test runs on. */
export const EXPRESS_VERSIONS = [
  ["4", express4],
  ["5", express5],
] as const;

/** The `express` function of either version. */
export type ExpressFactory = typeof express5;

/** A secret long enough for the web layer. */
export const SECRET = "x".repeat(40);

/** A password the built-in form accepts. */
export const PASSWORD = "correct-horse-battery-9";

/** A real server on a free port of 127.0.0.1. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `app` with `app.listen(0)`. */
export async function listen(app: Express): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve) => {
    const started: Server = app.listen(0, "127.0.0.1", () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `{ user }` as the reference app's views do. */
export const answerUser: RequestHandler = (req, res) => {
  res.json(userJson(req.guestUser?.user ?? null));
};

/** Turns any error into a 500 JSON answer, so tests see it. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
};

/** Wraps an async handler for Express 4, which ignores rejected promises. */
export const asyncHandler =
  (handler: (...args: Parameters<RequestHandler>) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res, next).catch(next);
  };

/** The reference test app's three routes, guarded. */
export function mountGuardedRoutes(app: Express, guestUser: GuestUserExpress): void {
  app.get("/allow_guest_user/", guestUser.allowGuestUser(), answerUser);
  app.get("/guest_user_required/", guestUser.guestUserRequired(), answerUser);
  app.get("/regular_user_required/", guestUser.regularUserRequired(), answerUser);
}

/** The JSON a `{ user }` route answers. */
export interface UserAnswer {
  user: { id: number | string; username: string; isGuest: boolean } | null;
}

/** A browser in miniature: fetch without following redirects, keeping cookies. */
export function browser(
  baseUrl: string,
  userAgent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
) {
  const cookies = new Map<string, string>();
  const client = {
    cookies,
    /** The cookie header this browser sends. */
    cookieHeader: () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
    async fetch(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      if (!headers.has("user-agent")) headers.set("user-agent", userAgent);
      if (cookies.size > 0 && !headers.has("cookie")) headers.set("cookie", client.cookieHeader());
      const response = await fetch(new URL(path, baseUrl), {
        ...init,
        headers,
        redirect: "manual",
      });
      for (const cookie of response.headers.getSetCookie()) {
        const pair = cookie.split(";")[0] ?? "";
        const name = pair.slice(0, pair.indexOf("=")).trim();
        const value = pair.slice(pair.indexOf("=") + 1).trim();
        if (value === "" || /;\s*max-age=0\b/i.test(cookie)) cookies.delete(name);
        else cookies.set(name, value);
      }
      return response;
    },
    /** GETs a `{ user }` route; fails the test on anything but 200. */
    async user(path: string, init: RequestInit = {}): Promise<UserAnswer["user"]> {
      const response = await client.fetch(path, init);
      if (response.status !== 200)
        throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as UserAnswer).user;
    },
  };
  return client;
}

/** The cookie of `name` among a response's Set-Cookie headers, or undefined. */
export function setCookieOf(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
}

/** The value of the cookie in a Set-Cookie header. */
export function cookieValue(setCookie: string | undefined): string {
  return (setCookie ?? "").split(";")[0]?.split("=").slice(1).join("=") ?? "";
}
