/**
 * The reference app's error handlers over real HTTP, Express's (express-errors.ts, on Express
 * 4 and 5) and Fastify's (fastify-errors.ts): a body parser's refusal keeps its status
 * (nothing logged), a failure of ours is a 500 with ONE log line. (The app process itself,
 * with aborted uploads and the probe's bodies: body-suite.ts.)
 */

import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { expressErrorHandler } from "../../examples/reference-app/express-errors.ts";
import { fastifyErrorHandler } from "../../examples/reference-app/fastify-errors.ts";
import { EXPRESS_VERSIONS, listen } from "../adapters/express/harness.ts";
import { listenFastify } from "../support/adapter-servers.ts";

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

describe("the reference app's Fastify error handler", () => {
  it("Fastify's 400, 413 and 415 keep their status, unlogged; anything else: 500 and exactly one log line", async () => {
    const lines: unknown[][] = [];
    const app = Fastify({ bodyLimit: 1000 });
    app.post("/json/", async () => "parsed");
    app.get("/fails/", async () => {
      throw new Error("a failure of ours");
    });
    app.setErrorHandler(fastifyErrorHandler({ error: (...args: unknown[]) => lines.push(args) }));
    const server = await listenFastify(app);
    const request = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
    const post = (body: string, type: string) =>
      request("/json/", { method: "POST", headers: { "content-type": type }, body });
    try {
      const statuses = [
        (await post('{"a":', "application/json")).status,
        (await post(`{"a":"${"x".repeat(2000)}"}`, "application/json")).status,
        (await post("<a/>", "application/xml")).status,
      ];
      expect(statuses).toEqual([400, 413, 415]);
      expect(lines).toEqual([]);
      const failed = await request("/fails/");
      expect([failed.status, await failed.text()]).toEqual([500, "Internal Server Error"]);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.[0]).toMatchObject({ message: "a failure of ours" });
    } finally {
      await server.close();
    }
  });
});
