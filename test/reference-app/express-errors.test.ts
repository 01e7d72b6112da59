/**
 * The reference app's Express error handler (examples/reference-app/express-errors.ts) on
 * Express 4 and 5 over real HTTP: a body parser's refusal keeps its status (nothing logged),
 * a failure of ours is a 500 with ONE log line. (The app process itself, with aborted uploads
 * and the probe's bodies: body-suite.ts.)
 */
import { describe, expect, it } from "vitest";
import { expressErrorHandler } from "../../examples/reference-app/express-errors.ts";
import { EXPRESS_VERSIONS, listen } from "../adapters/express/harness.ts";

describe.each(EXPRESS_VERSIONS)(
  "the reference app's Express error handler (Express %s)",
  (_, express) => {
    const started = async () => {
      const lines: unknown[][] = [];
      const app = express();
      app.post("/json/", express.json(), (_req, res) => {
        res.send("parsed");
      });
      app.get("/fails/", () => {
        throw new Error("a failure of ours");
      });
      app.use(expressErrorHandler({ error: (...args: unknown[]) => lines.push(args) }));
      return { server: await listen(app), lines };
    };
    const request = (url: string, init: RequestInit = {}) =>
      fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });

    it("body-parser's 400, 413 and 415 answer with their own status and message, unlogged", async () => {
      const { server, lines } = await started();
      try {
        const post = (body: string, type = "application/json") =>
          request(`${server.url}/json/`, {
            method: "POST",
            headers: { "content-type": type },
            body,
          });
        const malformed = await post('{"a":');
        expect(malformed.status).toBe(400);
        expect(malformed.headers.get("content-type")).toMatch(/^text\/plain/);
        expect(await malformed.text()).toMatch(/JSON/);
        const large = await post(`{"a":"${"x".repeat(200_000)}"}`);
        expect([large.status, await large.text()]).toEqual([413, "request entity too large"]);
        const charset = await post("{}", "application/json; charset=latin1");
        expect([charset.status, await charset.text()]).toEqual([
          415,
          'unsupported charset "LATIN1"',
        ]);
        expect(lines).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it("anything else: 500 without details, and exactly one log line", async () => {
      const { server, lines } = await started();
      try {
        const response = await request(`${server.url}/fails/`);
        expect([response.status, await response.text()]).toEqual([500, "Internal Server Error"]);
        expect(lines).toHaveLength(1);
        expect(lines[0]?.[0]).toMatchObject({ message: "a failure of ours" });
      } finally {
        await server.close();
      }
    });
  },
);
