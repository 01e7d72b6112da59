/**
 * Every request gets an answer, on every adapter (Express 4 and 5, Hono, Fastify), over real
 * HTTP, also after a body parser consumed the body: a JSON body nested 5,000 levels deep (10 KB)
 * is a 400 `BODY_TOO_DEEP`, an aborted upload is nobody's failure (nothing logged, the server
 * keeps serving), an unexpected failure after a parsed body reaches the app's error handler
 * (500, once). Every request carries a client timeout, so a request left without an answer
 * fails the test instead of hanging it. (A POST during a database outage: clean-failures.)
 */
import { describe, expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { collectingLogger, EVERY_FRAMEWORK, type RunningApp, startApp } from "./frameworks.ts";
import { hangUp } from "./raw-http.ts";

const SECRET = "b".repeat(40);
/** Far more than any answer here takes (milliseconds), far less than Node's request timeout. */
const ANSWER_WITHIN_MS = 5_000;
const LEVELS = 5_000;
const DEEP_ARRAY = `${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`;

/** A POST that fails the test when no answer comes in time. */
function post(url: string, contentType: string, body: string, accept = "application/json") {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, accept, origin: new URL(url).origin },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
}

/** The `error.code` of a JSON failure. */
async function errorCode(response: Response): Promise<unknown> {
  return ((await response.json()) as { error?: { code?: unknown } }).error?.code;
}

describeEachDatabase("every request gets an answer", (fx) => {
  describe.each(EVERY_FRAMEWORK)("%s", (framework) => {
    /** The app on a GuestUsers of its own whose logger keeps its lines. */
    const started = async (run: (app: RunningApp, errors: string[]) => Promise<void>) => {
      const { logger, errors } = collectingLogger();
      const gu: GuestUsers = await fx.open({ secret: SECRET, tablePrefix: "answer_", logger });
      const app = await startApp(framework, gu);
      try {
        await run(app, errors);
      } finally {
        await app.close();
      }
    };

    it("a JSON body nested 5,000 levels deep: 400 BODY_TOO_DEEP on an allowGuestUser page and the login view, nothing logged", async () => {
      await started(async (app, errors) => {
        for (const path of ["/s/allow/", "/n/allow/", "/accounts/login/"]) {
          for (const body of [DEEP_ARRAY, DEEP_OBJECT, `{"username":${DEEP_ARRAY}}`]) {
            const response = await post(`${app.url}${path}`, "application/json", body);
            expect(response.status, `${path} ${body.slice(0, 12)}`).toBe(400);
            expect(await errorCode(response)).toBe("BODY_TOO_DEEP");
          }
        }
        const deep = await post(`${app.url}/n/allow/`, "application/json", DEEP_OBJECT);
        expect(await deep.json()).toEqual({
          error: {
            code: "BODY_TOO_DEEP",
            message:
              "The JSON body is nested deeper than 64 levels: send the fields as a flatter object.",
          },
        });
        // A body the page cannot take, from an HTML client: a page saying what is wrong.
        const html = await post(`${app.url}/n/allow/`, "text/plain", "hello", "text/html");
        expect(html.status).toBe(415);
        expect(html.headers.get("content-type")).toMatch(/^text\/html/);
        expect(await html.text()).toMatch(/Send the fields as application\/x-www-form-urlencoded/);
        // 64 levels are taken.
        const fine = await post(
          `${app.url}/n/allow/`,
          "application/json",
          `${'{"a":'.repeat(63)}1${"}".repeat(63)}`,
        );
        expect(fine.status).toBe(200);
        expect(((await fine.json()) as { user: { isGuest: boolean } }).user.isGuest).toBe(true);
        expect(errors).toEqual([]);
        expect(app.appErrors).toEqual([]);
      });
    });

    it("uploads aborted mid-body on an allowGuestUser route: nothing logged by us, still serving", async () => {
      await started(async (app, errors) => {
        await Promise.all(
          ["/s/allow/", "/n/allow/"].flatMap((path) => [
            hangUp(app.port, path, "application/json", '{"username":"ada"'),
            hangUp(app.port, path, "application/x-www-form-urlencoded", "username=ada&csrf="),
          ]),
        );
        // Express's body parsers (the app's) hand the abort to the app's error handler.
        for (const error of app.appErrors)
          expect((error as { type?: unknown }).type).toBe("request.aborted");
        const served = await post(`${app.url}/s/allow/`, "application/json", '{"a":1}');
        expect(served.status).toBe(200);
        expect(((await served.json()) as { user: { isGuest: boolean } }).user.isGuest).toBe(true);
        expect(errors).toEqual([]);
      });
    });

    it("an unexpected failure after a parsed body (JSON or form): 500 from the app's error handler, which gets it once", async () => {
      await started(async (app, errors) => {
        const json = await post(`${app.url}/boom/`, "application/json", '{"a":1}');
        const form = await post(`${app.url}/boom/`, "application/x-www-form-urlencoded", "a=1");
        expect([json.status, form.status]).toEqual([500, 500]);
        expect(await json.text()).toBe("app error handler");
        expect(app.appErrors.map((error) => (error as Error).message)).toEqual([
          "boom after the body",
          "boom after the body",
        ]);
        expect(errors).toEqual([]);
      });
    });
  });
});
