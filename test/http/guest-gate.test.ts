import { describe, expect, it } from "vitest";
import { crawlerDetector } from "../../src/core/model/user-agents.ts";
import { fetchHandler } from "../../src/http/fetch-handler.ts";
import { allowGuestUser } from "../../src/http/guards.ts";
import { createGuestUserHttp } from "../../src/http/guest-user-http.ts";
import { guarded, type HandlerContext } from "../../src/http/handler.ts";
import { AllowGuestUserMixin } from "../../src/http/mixins.ts";
import { View } from "../../src/http/view.ts";
import { guestView } from "../../src/http/views/guest-view.ts";
import {
  DEFAULT_BLOCKED_USER_AGENTS,
  GuestUserError,
  type GuestUsers,
  type GuestUsersOptions,
} from "../../src/index.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const SECRET = "g".repeat(40);

describe("crawlerDetector", () => {
  const isCrawler = crawlerDetector(DEFAULT_BLOCKED_USER_AGENTS, true);
  it.each([
    "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15 (Applebot/0.1)",
    "Twitterbot/1.0",
    "AdsBot-Google (+http://www.google.com/adsbot.html)",
    "Mozilla/5.0 (compatible; Google-InspectionTool/1.0)",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1)",
    "",
    "   ",
  ])("refuses %j", (userAgent) => {
    expect(isCrawler(userAgent)).toBe(true);
  });
  it("lets browsers through, and a missing header is refused", () => {
    expect(isCrawler(BROWSER_USER_AGENT)).toBe(false);
    expect(isCrawler(null)).toBe(true);
  });
  it("detectBots: false keeps only the patterns (and the empty rule)", () => {
    const patternsOnly = crawlerDetector(DEFAULT_BLOCKED_USER_AGENTS, false);
    expect(patternsOnly("curl/8.5.0")).toBe(false);
    expect(patternsOnly("Googlebot/2.1")).toBe(true);
    expect(patternsOnly("")).toBe(true);
  });
});

/** Five creation paths at the Web level, each with a client address of 203.0.113.9. */
function paths(gu: GuestUsers) {
  const http = createGuestUserHttp(gu);
  const page = async (_request: Request, { state }: HandlerContext) =>
    Response.json({ user: state.user?.id ?? null });
  class Hello extends AllowGuestUserMixin(View) {
    override get = page;
  }
  const clientAddress = () => "203.0.113.9";
  const wrap = (handler: (request: Request, context: HandlerContext) => Promise<Response>) =>
    fetchHandler(http, [], handler, { clientAddress });
  const endpoint = guestView(http);
  return {
    http,
    handlers: {
      fetchHandler: fetchHandler(http, [allowGuestUser()], page, { clientAddress }),
      guarded: wrap(guarded([allowGuestUser()], page)),
      mixin: wrap(Hello.asView()),
      endpoint: wrap(endpoint),
    },
  };
}

const visit = (url = "http://localhost/page/", init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", BROWSER_USER_AGENT);
  return new Request(url, { ...init, headers });
};
const endpointVisit = () =>
  visit("http://localhost/accounts/guest/", {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
    body: "{}",
  });

describeEachDatabase("the guest admission gate", (fx) => {
  const open = (options: GuestUsersOptions) =>
    fx.open({
      secret: SECRET,
      tablePrefix: `gate_${Math.random().toString(36).slice(2, 8)}_`,
      ...options,
    });

  it("guestCreationLimit holds on every creation path; the JSON endpoint answers 429 + Retry-After", async () => {
    const clock = testClock();
    const gu = await open({ clock: clock.now, guestCreationLimit: { max: 2, windowSeconds: 600 } });
    const { handlers } = paths(gu);
    for (const [name, handler] of Object.entries(handlers)) {
      if (name === "endpoint") continue;
      const users = [];
      for (let i = 0; i < 3; i++) {
        const response = await handler(visit());
        users.push(((await response.json()) as { user: unknown }).user);
      }
      expect([name, users.map((user) => user !== null)]).toEqual([name, [true, true, false]]);
      clock.advance(601);
    }
    for (let i = 0; i < 2; i++) expect((await handlers.endpoint(endpointVisit())).status).toBe(200);
    const limited = await handlers.endpoint(endpointVisit());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
      "TOO_MANY_REQUESTS",
    );
    expect((await gu.stats()).guests).toBe(8);
  });

  it("beforeGuestCreated can veto (false or a GuestUserError) and sees the request and address", async () => {
    const seen: (string | null)[] = [];
    const gu = await open({
      beforeGuestCreated: ({ request, clientAddress }) => {
        seen.push(clientAddress);
        const answer = request.headers.get("x-captcha");
        if (answer === "throw") throw new GuestUserError("VALIDATION_FAILED", "captcha failed");
        return answer === "ok";
      },
    });
    const { handlers } = paths(gu);
    const userOf = async (response: Response) =>
      ((await response.json()) as { user: unknown }).user;
    expect(await userOf(await handlers.mixin(visit()))).toBeNull();
    expect(
      await userOf(await handlers.mixin(visit(undefined, { headers: { "x-captcha": "throw" } }))),
    ).toBeNull();
    expect(
      await userOf(await handlers.mixin(visit(undefined, { headers: { "x-captcha": "ok" } }))),
    ).not.toBeNull();
    const refused = await handlers.endpoint(endpointVisit());
    expect(refused.status).toBe(403);
    expect(seen).toEqual(["203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.9"]);
    expect((await gu.stats()).guests).toBe(1);
  });

  it("crawlers, an empty User-Agent and HEAD get no guest on any path", async () => {
    const gu = await open({});
    const { handlers } = paths(gu);
    for (const handler of [handlers.fetchHandler, handlers.guarded, handlers.mixin]) {
      for (const userAgent of ["GPTBot/1.2", "curl/8.5.0", ""]) {
        const response = await handler(visit(undefined, { headers: { "user-agent": userAgent } }));
        expect(((await response.json()) as { user: unknown }).user).toBeNull();
      }
      const head = await handler(visit(undefined, { method: "HEAD" }));
      expect(head.headers.getSetCookie().some((c) => c.startsWith("guest_user_session="))).toBe(
        false,
      );
    }
    expect((await gu.stats()).guests).toBe(0);
  });
});
