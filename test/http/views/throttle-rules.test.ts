import { describe, expect, it } from "vitest";
import { throttleName } from "../../../src/http/views/throttle.ts";
import type { GuestUsersOptions } from "../../../src/index.ts";
import { memoryLimitStore } from "../../../src/limits/memory.ts";
import type { LimitStore } from "../../../src/limits/types.ts";
import { describeEachDatabase, testClock } from "../../support/guest-users.ts";
import { convertForm, PASSWORD, SECRET, setup } from "./client.ts";

describe("throttleName", () => {
  it("trims, NFKC-normalizes and lowercases; hashes long names; ignores non-strings", () => {
    expect(throttleName("  Ada ")).toBe("ada");
    expect(throttleName("ＡＤＡ")).toBe("ada");
    expect(throttleName(42)).toBe("");
    expect(throttleName("x".repeat(500))).toMatch(/^#[0-9a-f]{64}$/);
  });
});

describeEachDatabase("login throttling rules", (fx) => {
  let serial = 0;
  const open = async (options: GuestUsersOptions = {}) => {
    const warnings: string[] = [];
    const gu = await fx.open({
      secret: SECRET,
      tablePrefix: `rules${serial++}_`,
      logger: { warn: (message: string) => warnings.push(message), error() {} },
      ...options,
    });
    await gu.createUser(convertForm("ada"));
    return { ...setup(gu), warnings };
  };
  const login = (client: ReturnType<typeof setup>["client"], username: string, password: string) =>
    client.postJson(
      "/accounts/login/",
      { username, password },
      { headers: { "sec-fetch-site": "same-origin" } },
    );

  it("without a client address: counts per username (any spelling), warns once", async () => {
    if (fx.dialect !== "sqlite") return;
    const { client, warnings } = await open({ clock: testClock().now });
    const spellings = ["ada", "ADA", " Ada", "ＡＤＡ", "aDa"];
    for (let i = 0; i < 10; i++) {
      expect((await login(client, spellings[i % 5] as string, "wrong")).status).toBe(400);
    }
    const refused = await login(client, "ada", PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("900");
    // Another username is not blocked: there is no per-address count without an address.
    for (let i = 0; i < 60; i++) await login(client, `other${i}`, "wrong");
    expect((await login(client, "other0", "x")).status).toBe(400);
    await client.http.guestUsers.createUser(convertForm("grace"));
    expect((await login(client, "grace", PASSWORD)).status).toBe(200);
    expect(warnings.filter((w) => w.includes("without a client address"))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('10 failed logins for "ada"'))).toHaveLength(1);
  });

  it("counts invalid forms, not successes; checks the limit before the password", async () => {
    if (fx.dialect !== "sqlite") return;
    const calls: string[] = [];
    const memory = memoryLimitStore();
    const limitStore: LimitStore = {
      hit(key, limit) {
        calls.push(`hit ${key}`);
        return memory.hit(key, limit);
      },
      peek(key, limit) {
        calls.push(`peek ${key}`);
        return memory.peek(key, limit);
      },
      reset(key) {
        calls.push(`reset ${key}`);
        return memory.reset(key);
      },
    };
    const { client, http } = await open({ limitStore, loginLimit: { max: 3, windowSeconds: 60 } });
    const authenticate = http.guestUsers.authenticate.bind(http.guestUsers);
    let verified = 0;
    http.guestUsers.authenticate = (input) => {
      verified++;
      return authenticate(input);
    };
    for (let i = 0; i < 20; i++) expect((await login(client, "ada", PASSWORD)).status).toBe(200);
    expect(calls).not.toContainEqual(expect.stringMatching(/^hit login:address/));
    calls.length = 0;
    expect((await login(client, "ada", "")).status).toBe(400); // invalid form: a failure
    expect((await login(client, "ada", "wrong")).status).toBe(400);
    expect((await login(client, "ada", "wrong")).status).toBe(400);
    const before = verified;
    expect((await login(client, "ada", PASSWORD)).status).toBe(429);
    expect(verified).toBe(before);
    expect(calls.at(-1)).toBe("hit login:user:unknown/ada");
  });

  it("loginLimit: null turns throttling off", async () => {
    if (fx.dialect !== "sqlite") return;
    const { client } = await open({ loginLimit: null });
    for (let i = 0; i < 30; i++) await login(client, "ada", "wrong");
    expect((await login(client, "ada", PASSWORD)).status).toBe(200);
  });

  it("answers the HTML convert form with the 429 page", async () => {
    if (fx.dialect !== "sqlite") return;
    const { client, gu } = await open({ loginLimit: { max: 1, windowSeconds: 30 } });
    const { session } = await gu.createGuestSession();
    client.jar.set("guest_user_session", session.token);
    const csrf = await client.csrf("/convert/");
    expect(
      (await client.post("/convert/", { ...convertForm("ada"), csrf_token: csrf })).status,
    ).toBe(200);
    const refused = await client.post("/convert/", { ...convertForm("ada"), csrf_token: csrf });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await refused.text()).toContain("Please try again in 30 seconds.");
  });
});
