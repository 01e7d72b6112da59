/**
 * A database outage, over real HTTP, on every adapter: every path that touches the database
 * (the session middleware, each guard resolving by itself, a mounted view, the views' own
 * queries, a POSTed JSON or form body parsed before the guard failed) answers 503 +
 * `Retry-After: 5`, in JSON for JSON clients, on Express 4 and 5, Hono and Fastify; a burst
 * of failures logs ONE error line; the app recovers by itself when the database is back (one
 * line says so).
 *
 * The outage is real: a TCP proxy between a pg Pool and PostgreSQL, stopped and restarted.
 * PostgreSQL only: SQLite is in-process (no outage to simulate; as root, file permissions do
 * not stop us reading), and MariaDB would take the same code path as PostgreSQL.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import {
  availableDialects,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { FAST_HASHING } from "../support/guest-users.ts";
import {
  collectingLogger,
  EVERY_FRAMEWORK,
  GUARD_PATHS,
  type RunningApp,
  SESSION,
  startApp,
} from "./frameworks.ts";

const SECRET = "s".repeat(40);
const PASSWORD = "Zebra-Quantum-77!";

/** A TCP proxy to `target` that can be stopped (every connection cut) and started again. */
function tcpProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const pipe = (client: Socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", drop);
      socket.on("close", drop);
    }
    client.pipe(upstream).pipe(client);
  };
  return {
    get port() {
      return port;
    },
    start: () =>
      new Promise<void>((resolve, reject) => {
        const started = createServer(pipe);
        started.once("error", reject);
        started.listen(port, "127.0.0.1", () => {
          server = started;
          port = (started.address() as { port: number }).port;
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
}

const postgres = availableDialects().includes("postgres");

describe.skipIf(!postgres)("a database outage over real HTTP [postgres]", () => {
  let database: IsolatedDatabase;
  beforeAll(async () => {
    database = await isolatedDatabase("postgres");
  });
  afterAll(async () => {
    await database?.drop();
  });

  for (const framework of EVERY_FRAMEWORK) {
    it(`${framework}: 503 + Retry-After on every path, one log line per outage, recovers by itself`, async () => {
      const target = new URL(database.url);
      const proxy = tcpProxy(target);
      await proxy.start();
      const proxied = new URL(database.url);
      proxied.port = String(proxy.port);
      const pool = new pg.Pool({ connectionString: proxied.href, connectionTimeoutMillis: 1000 });
      // What an app owning a pg Pool does: idle (and busy) clients losing the server emit "error".
      pool.on("error", () => {});
      pool.on("connect", (client) => client.on("error", () => {}));
      const { logger, errors, warnings } = collectingLogger();
      let gu: GuestUsers | undefined;
      let app: RunningApp | undefined;
      try {
        gu = createGuestUsers({
          database: pool,
          secret: SECRET,
          logger,
          passwordHashing: FAST_HASHING,
          tablePrefix: `${framework}_`,
        });
        await gu.migrate();
        const member = await gu.createUser({
          username: `member_${framework}`,
          password1: PASSWORD,
          password2: PASSWORD,
        });
        const cookie = `${SESSION}=${(await gu.createSession(member.id)).token}`;
        app = await startApp(framework, gu);
        const base = app.url;
        const get = (path: string, headers: Record<string, string> = {}) =>
          fetch(`${base}${path}`, { headers, redirect: "manual" });

        expect((await get("/s/plain/", { cookie })).status).toBe(200);
        expect(errors).toEqual([]);

        await proxy.stop();

        const expect503 = async (response: Response, json = false) => {
          expect(response.status, `${response.url}`).toBe(503);
          expect(response.headers.get("retry-after")).toBe("5");
          const text = await response.text();
          expect(text).toMatch(/temporarily unavailable/);
          expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
          if (json) {
            expect(response.headers.get("content-type")).toMatch(/json/);
            expect(JSON.parse(text)).toMatchObject({ error: { code: "DATABASE_UNAVAILABLE" } });
          } else {
            expect(response.headers.get("content-type")).toMatch(/html/);
          }
        };
        const jsonAccept = { accept: "application/json" };

        // The session middleware: a cookie to look up.
        await expect503(await get("/s/plain/", { cookie }));
        await expect503(await get("/s/plain/", { cookie, ...jsonAccept }), true);
        // Each guard, behind the session middleware and on its own (resolving the cookie itself).
        for (const path of GUARD_PATHS) {
          await expect503(await get(path, { cookie }));
          await expect503(await get(path, { cookie, ...jsonAccept }), true);
        }
        // allowGuestUser creating a guest for a new visitor (no cookie: the insert fails).
        await expect503(await get("/s/allow/"));
        await expect503(await get("/n/allow/", jsonAccept), true);
        // A mounted view: resolving the visitor, and its own query (a JSON login, no cookie).
        await expect503(await get("/accounts/login/", { cookie }));
        const login = await fetch(`${base}/accounts/login/`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: base, ...jsonAccept },
          body: JSON.stringify({ username: `member_${framework}`, password: PASSWORD }),
        });
        await expect503(login, true);
        // POSTs to an allowGuestUser route, the body parsed before the guard fails (Express's
        // parsers run first): a first visit (the guest's insert fails) and a session's lookup.
        const postAllow = (path: string, type: string, body: string, headers = {}) =>
          fetch(`${base}${path}`, {
            method: "POST",
            headers: { "content-type": type, origin: base, ...headers },
            body,
            signal: AbortSignal.timeout(10_000), // no answer fails the test instead of hanging it
          });
        for (const [type, body] of [
          ["application/json", '{"note":"hi"}'],
          ["application/x-www-form-urlencoded", "note=hi"],
        ] as const) {
          await expect503(await postAllow("/s/allow/", type, body, jsonAccept), true);
          await expect503(await postAllow("/n/allow/", type, body));
          await expect503(await postAllow("/n/allow/", type, body, { cookie }));
        }

        // A burst of 20 failing requests: still ONE error line for the whole outage.
        const burst = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            get(["/s/plain/", "/n/regular/", "/s/allow/", "/accounts/login/"][i % 4] ?? "/", {
              cookie,
            }),
          ),
        );
        expect(burst.map((response) => response.status)).toEqual(Array(20).fill(503));
        await Promise.all(burst.map((response) => response.text()));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/database is unreachable/);
        expect(warnings.filter((line) => /reachable again/.test(line))).toEqual([]);

        // The database is back: the next requests work, with nothing restarted.
        await proxy.start();
        // A cookie-less first visit (no session lookup) is enough to see the recovery.
        const guest = await get("/n/allow/");
        expect(guest.status).toBe(200);
        expect(((await guest.json()) as { user: { isGuest: boolean } }).user.isGuest).toBe(true);
        expect(warnings.filter((line) => /reachable again/.test(line))).toHaveLength(1);
        const back = await get("/s/plain/", { cookie });
        expect(back.status).toBe(200);
        expect(((await back.json()) as { user: { id: unknown } }).user.id).toBe(member.id);
        for (const path of GUARD_PATHS) expect((await get(path, { cookie })).status).not.toBe(503);
        expect(warnings.filter((line) => /reachable again/.test(line))).toHaveLength(1);
        expect(errors).toHaveLength(1);

        // A second outage is a new outage: logged again, once.
        await proxy.stop();
        await expect503(await get("/s/allow/"));
        await expect503(await get("/s/plain/", { cookie }));
        expect(errors).toHaveLength(2);
        await proxy.start();
        expect((await get("/s/plain/", { cookie })).status).toBe(200);
        expect(warnings.filter((line) => /reachable again/.test(line))).toHaveLength(2);
      } finally {
        await app?.close();
        await gu?.close();
        await pool.end().catch(() => {});
        await proxy.stop();
      }
    });
  }
});
