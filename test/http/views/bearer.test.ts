import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { convertForm, ORIGIN, PASSWORD, SECRET, setup } from "./client.ts";

const BEARER = { "x-session-transport": "bearer", accept: "application/json" };
const auth = (token: string) => ({ authorization: `Bearer ${token}`, accept: "application/json" });

interface TokenAnswer {
  user: { id: number | string; username: string; isGuest: boolean } | null;
  token?: string;
  expiresAt?: string;
}

describeEachDatabase("API clients with bearer tokens", (fx) => {
  it("start as a guest, convert and keep going, all without cookies", async () => {
    const gu = await fx.open({ secret: SECRET });
    const { client } = setup(gu);
    const started = await client.postJson("/accounts/guest/", {}, { headers: BEARER });
    expect(started.status).toBe(200);
    expect(started.headers.get("set-cookie")).toBeNull();
    const guest = (await started.json()) as TokenAnswer;
    expect(guest.user?.isGuest).toBe(true);
    expect(guest.token).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    // Every time in our JSON is an ISO string: the session's, like the guest's own deadline.
    expect(guest.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(guest.expiresAt ?? "")).toBeGreaterThan(Date.now());
    expect((await gu.validateSession(guest.token))?.user.id).toBe(guest.user?.id);

    const form = await client.get("/convert/", { headers: auth(guest.token as string) });
    expect(((await form.json()) as { user: TokenAnswer["user"] }).user?.isGuest).toBe(true);

    const converted = await client.postJson("/convert/", convertForm("mobile_ada"), {
      headers: auth(guest.token as string),
    });
    expect(converted.status).toBe(200);
    const after = (await converted.json()) as TokenAnswer;
    expect(after.user).toMatchObject({
      id: guest.user?.id,
      username: "mobile_ada",
      isGuest: false,
    });
    expect(after.token).toBeTruthy();
    expect(after.token).not.toBe(guest.token);
    expect(await gu.validateSession(guest.token)).toBeNull();
    expect((await gu.validateSession(after.token))?.user.isGuest).toBe(false);
    expect(client.jar.size).toBe(0);
  });

  it("log in for a token", async () => {
    const gu = await fx.open({ secret: SECRET });
    await gu.createUser(convertForm("token_login"));
    const { client } = setup(gu);
    const response = await client.postJson(
      "/accounts/login/",
      { username: "token_login", password: PASSWORD },
      { headers: BEARER },
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as TokenAnswer;
    expect(answer.user?.username).toBe("token_login");
    expect((await gu.validateSession(answer.token))?.user.username).toBe("token_login");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("gets a cookie from a same-origin browser request, and 403 cross-site", async () => {
    const gu = await fx.open({ secret: SECRET });
    const { client } = setup(gu);
    const cross = await client.postJson(
      "/accounts/guest/",
      {},
      { headers: { origin: "https://evil.example" } },
    );
    expect(cross.status).toBe(403);
    expect((await gu.stats()).guests).toBe(0);
    const same = await client.postJson("/accounts/guest/", {}, { headers: { origin: ORIGIN } });
    expect(same.status).toBe(200);
    expect(client.jar.get("guest_user_session")).toBeTruthy();
    expect(((await same.json()) as TokenAnswer).token).toBeUndefined();
  });

  it("refuses crawlers and disabled guests with GUEST_NOT_ALLOWED", async () => {
    const gu = await fx.open({ secret: SECRET, enabled: false });
    const { client } = setup(gu);
    const response = await client.postJson("/accounts/guest/", {}, { headers: BEARER });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "GUEST_NOT_ALLOWED",
    );
  });
});
