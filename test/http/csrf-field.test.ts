import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accountViews,
  allowGuestUser,
  createGuestUserHttp,
  csrfField,
  fetchHandler,
  type GuestUsers,
} from "../../src/index.ts";
import { csrfInput } from "../../src/templates.ts";
import { listenHono, type TestServer } from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

describe("csrfInput", () => {
  it("is the hidden csrf_token input, its value HTML-escaped", () => {
    expect(csrfInput("abc_-1")).toBe('<input type="hidden" name="csrf_token" value="abc_-1">');
    expect(csrfInput(`"><script>'&`)).toBe(
      '<input type="hidden" name="csrf_token" value="&quot;&gt;&lt;script&gt;&#39;&amp;">',
    );
  });
});

describeEachDatabase("csrfField on Web requests (no framework)", (fx) => {
  let guestUsers: GuestUsers;
  let server: TestServer;
  beforeAll(async () => {
    guestUsers = await fx.open({ secret: "w".repeat(40) });
    const http = createGuestUserHttp(guestUsers);
    const views = new Map(accountViews(http).map((route) => [route.path, route.handler]));
    const home = fetchHandler(http, [allowGuestUser()], async (request, { state }) => {
      const body = `<p id="who">${state.user?.username}</p><form method="post" action="/accounts/logout/">${csrfField(http, request, state)}<button>Log out</button></form>`;
      return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
    });
    // The account views answer their own paths; everything else is the home page.
    server = await listenHono({
      fetch: (request: Request) => {
        const view = views.get(new URL(request.url).pathname);
        return view ? fetchHandler(http, [], view)(request) : home(request);
      },
    });
  });
  afterAll(() => server?.close());

  it("a page's log-out button (csrfField + fetchHandler) logs out; a forged token gets 403", async () => {
    const client = cookieClient(server.url);
    const page = await (await client.send("/home/")).text();
    const token = /name="csrf_token" value="([\w-]+)"/.exec(page)?.[1] ?? "";
    expect(token).not.toBe("");
    const session = client.jar.get("guest_user_session");
    expect(await guestUsers.validateSession(session)).not.toBeNull();
    const post = (csrf_token: string) =>
      client.send("/accounts/logout/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf_token }),
      });
    expect((await post(`${token.slice(0, -2)}xx`)).status).toBe(403);
    expect(await guestUsers.validateSession(session)).not.toBeNull();
    const out = await post(token);
    expect(out.status).toBe(302);
    expect(client.jar.has("guest_user_session")).toBe(false);
    expect(await guestUsers.validateSession(session)).toBeNull();
  });
});
