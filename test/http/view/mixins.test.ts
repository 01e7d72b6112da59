import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import type { HandlerContext, WebHandler } from "../../../src/http/handler.ts";
import {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  RegularUserRequiredMixin,
} from "../../../src/http/mixins.ts";
import { View } from "../../../src/http/view.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";

// What the mixins add to the SPEC table (guarded-views.test.ts): how they combine with View.

const PASSWORD = "correct-horse-battery-9";

describeEachDatabase("view mixins", (fx) => {
  async function site() {
    const gu = await fx.open({ secret: "x".repeat(40) });
    const http = createGuestUserHttp(gu);
    const call = async (
      handler: WebHandler,
      path: string,
      init: { method?: string; cookie?: string } = {},
    ) => {
      // A browser's User-Agent: without one, no visitor gets a guest.
      const headers = new Headers({ "user-agent": BROWSER_USER_AGENT });
      if (init.cookie) headers.set("cookie", init.cookie);
      const request = new Request(`http://localhost${path}`, {
        method: init.method ?? "GET",
        headers,
      });
      return handler(request, { http, state: await http.resolve(request) });
    };
    const guestCookie = async () =>
      `guest_user_session=${(await gu.createGuestSession()).session.token}`;
    const userCookie = async () => {
      const username = `member_${randomBytes(6).toString("hex")}`;
      const user = await gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });
      return `guest_user_session=${(await gu.createSession(user.id)).token}`;
    };
    return { gu, call, guestCookie, userCookie };
  }

  const whoAmI = (_request: Request, { state }: HandlerContext) =>
    new Response(
      state.user ? `${state.isGuest ? "guest" : "user"} ${state.user.username}` : "anonymous",
    );

  it("runs the guard before looking for the method's handler", async () => {
    const { call, guestCookie } = await site();
    class OnlyGuest extends GuestUserRequiredMixin(View) {
      override get = whoAmI;
    }
    const anonymous = await call(OnlyGuest.asView(), "/only/", { method: "POST" });
    expect([anonymous.status, anonymous.headers.get("location")]).toEqual([
      302,
      "/accounts/login/",
    ]);
    const guest = await call(OnlyGuest.asView(), "/only/", {
      method: "POST",
      cookie: await guestCookie(),
    });
    expect([guest.status, guest.headers.get("allow")]).toEqual([405, "GET, HEAD, OPTIONS"]);
  });

  it("creates the guest even when the method is then refused, and sends its cookie", async () => {
    const { call } = await site();
    class Hello extends AllowGuestUserMixin(View) {
      override get = whoAmI;
    }
    const response = await call(Hello.asView(), "/hello/", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^guest_user_session=\S+/),
    ]);
  });

  it("answers HEAD through the guard: redirect, or GET's answer without a body", async () => {
    const { call, userCookie } = await site();
    class Members extends RegularUserRequiredMixin(View) {
      override get = whoAmI;
    }
    const anonymous = await call(Members.asView(), "/members/", { method: "HEAD" });
    expect(anonymous.headers.get("location")).toBe("/accounts/login/?next=/members/");
    const user = await call(Members.asView(), "/members/", {
      method: "HEAD",
      cookie: await userCookie(),
    });
    expect([user.status, user.body]).toEqual([200, null]);
  });

  it("reads the attributes at request time: set from constructor arguments", async () => {
    const { call, guestCookie } = await site();
    class Configurable extends RegularUserRequiredMixin(View) {
      constructor(loginUrl: string, convertUrl?: string) {
        super();
        this.loginUrl = loginUrl;
        this.convertUrl = convertUrl;
      }
      override get = whoAmI;
    }
    const plain = Configurable.asView("/signin/");
    expect((await call(plain, "/p/")).headers.get("location")).toBe("/signin/?next=/p/");
    const guest = await call(plain, "/p/", { cookie: await guestCookie() });
    expect(guest.headers.get("location")).toBe("/convert/?next=/p/");
    const both = await call(Configurable.asView("/a/", "/b/"), "/p/", {
      cookie: await guestCookie(),
    });
    expect(both.headers.get("location")).toBe("/b/?next=/p/");
  });

  it("mixes into any View subclass, keeping its fields and methods", async () => {
    const { call, userCookie } = await site();
    class Titled extends View {
      title = "Dashboard";
      render(body: string) {
        return new Response(`${this.title}: ${body}`);
      }
    }
    class Dashboard extends RegularUserRequiredMixin(Titled) {
      override title = "My dashboard";
      override get() {
        return this.render("welcome");
      }
    }
    const response = await call(Dashboard.asView(), "/dash/", { cookie: await userCookie() });
    expect(await response.text()).toBe("My dashboard: welcome");
  });

  it("stacks: the outer mixin runs first, and its cookies ride on the inner one's redirect", async () => {
    const { gu, call } = await site();
    class GuestThenConvert extends AllowGuestUserMixin(RegularUserRequiredMixin(View)) {
      override get = whoAmI;
    }
    const before = (await gu.stats()).guests;
    const response = await call(GuestThenConvert.asView(), "/stacked/");
    expect(response.headers.get("location")).toBe("/convert/?next=/stacked/");
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect((await gu.stats()).guests).toBe(before + 1);
    class ConvertFirst extends RegularUserRequiredMixin(AllowGuestUserMixin(View)) {
      override get = whoAmI;
    }
    const login = await call(ConvertFirst.asView(), "/stacked/");
    expect(login.headers.get("location")).toBe("/accounts/login/?next=/stacked/");
    expect(login.headers.getSetCookie()).toEqual([]);
    expect((await gu.stats()).guests).toBe(before + 1);
  });

  it("answers the view's own dispatch directly too, cookies once on the redirect", async () => {
    const { gu } = await site();
    const http = createGuestUserHttp(gu);
    class Members extends RegularUserRequiredMixin(View) {
      override get = whoAmI;
    }
    const request = new Request("http://localhost/m/", {
      headers: { cookie: "guest_user_session=old.x" },
    });
    const state = await http.resolve(request);
    const response = await new Members().dispatch(request, { http, state });
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(state.setCookies).toEqual([]);
  });
});
