/**
 * The reference app answers every body it is POSTed, as a real process over real HTTP: the
 * probe's reproduction (`curl -m10 -H 'content-type: application/json' --data-binary
 * @deep.json $BASE/allow_guest_user/`, 10 KB nested 5,000 levels) gets a 400; malformed JSON
 * 400, an oversized body 413, an unsupported type 415, on Express through its error handler
 * (body-parser's own status); uploads aborted mid-body are logged nowhere and the app keeps
 * serving. Every request carries a client timeout, so a missing answer fails instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterName } from "../../examples/reference-app/config.ts";
import { hangUp } from "../adapters/raw-http.ts";
import { assertBuilt, Client, type RunningApp, startApp } from "./harness.ts";

/** A generous bound for an answer that takes milliseconds; Node would hold a hung one 300 s. */
const ANSWER_WITHIN_MS = 5_000;
const LEVELS = 5_000;
const ALLOW = "/allow_guest_user/";

export function describeBodies(adapter: AdapterName) {
  describe(`reference app bodies: ADAPTER=${adapter}`, () => {
    let app: RunningApp;

    beforeAll(async () => {
      assertBuilt();
      app = await startApp({ ADAPTER: adapter });
    });
    afterAll(async () => {
      const exit = await app?.process.stop("SIGTERM");
      expect(exit, app?.process.output).toEqual({ code: 0, signal: null });
    });

    /** A POST from a new browser, as curl sends it (no Accept: HTML or text answers). */
    const post = (contentType: string, body: string) =>
      new Client(app.url).fetch(ALLOW, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });

    it("the probe's deep JSON (10 KB, 5,000 levels) on allow_guest_user: a 400, nothing logged", async () => {
      for (const body of [
        `${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`,
        `${'{"a":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`,
      ]) {
        const response = await post("application/json", body);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: "BODY_TOO_DEEP" } });
      }
      expect(app.process.stderr).toBe("");
    });

    it("malformed JSON 400, more than the limits 413, an unsupported type 415: each answered, nothing logged", async () => {
      const malformed = await post("application/json", '{"a":');
      expect(malformed.status).toBe(400);
      // 1.1 MB: over Express's body-parser default (100 kB), Hono's readBody (64 KiB) and
      // Fastify's bodyLimit (1 MiB).
      const huge = await post("application/json", `{"a":"${"x".repeat(1_100_000)}"}`);
      expect(huge.status).toBe(413);
      const plain = await post("text/plain", "hello");
      expect(plain.status).toBe(415);
      if (adapter === "express") {
        // body-parser refuses a charset it cannot decode with its own 415.
        const latin1 = await post("application/json; charset=latin1", "{}");
        expect([latin1.status, await latin1.text()]).toEqual([415, 'unsupported charset "LATIN1"']);
      }
      await Promise.all([malformed.text(), huge.text(), plain.text()]);
      expect(app.process.stderr).toBe("");
      const fine = await post("application/json", '{"note":"hi"}');
      expect(fine.status).toBe(200);
      expect(((await fine.json()) as { user: { isGuest: boolean } }).user.isGuest).toBe(true);
    });

    it("uploads aborted mid-body: nothing logged, still serving", async () => {
      const port = Number(new URL(app.url).port);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? hangUp(port, ALLOW, "application/json", '{"note":"h')
            : hangUp(port, ALLOW, "application/x-www-form-urlencoded", "note=h"),
        ),
      );
      const fine = await post("application/x-www-form-urlencoded", "note=hi");
      expect(fine.status).toBe(200);
      await fine.text();
      // Give a late log line of the aborts the time to show.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(app.process.stderr).toBe("");
    });
  });
}
