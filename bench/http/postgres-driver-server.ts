/**
 * A server child of `postgres-driver-http.ts`: Hono (@hono/node-server) serving `GET /page` for
 * a returning guest, on one PostgreSQL driver (pg or postgres.js) at one layer: floor (a) (the
 * session lookup on the bare driver, from the cookie's session id) or guest-user (its Hono
 * adapter: `session()` + `allowGuestUser()`). Reads BENCH_PG_DRIVER (JSON
 * {@link DriverServerConfig}), reports `{ type: "ready", port }` over IPC, stops on "stop".
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { GuestUserEnv } from "../../src/adapters/hono/index.ts";
import { guestUserHono } from "../../src/adapters/hono/index.ts";
import {
  type DriverLayer,
  openDriver,
  openProbe,
  type PostgresDriverName,
} from "./postgres-drivers.ts";

/** What a child serves. */
export interface DriverServerConfig {
  readonly url: string;
  readonly driver: PostgresDriverName;
  readonly layer: DriverLayer;
}

const send = (message: unknown) => process.send?.(message);

async function main() {
  const raw = process.env.BENCH_PG_DRIVER;
  if (!raw || !process.send) throw new Error("started by bench/http/postgres-driver-http.ts");
  const { url, driver, layer } = JSON.parse(raw) as DriverServerConfig;
  const probe = openProbe(url);
  const opened = await openDriver(url, driver, layer, probe);
  await probe.close();
  const app = new Hono<GuestUserEnv>();
  if (opened.guestUsers) {
    const guestUser = guestUserHono(opened.guestUsers);
    app.use(guestUser.session());
    app.get("/page", guestUser.allowGuestUser(), (c) => {
      const user = c.var.user;
      return c.json({
        user: user ? { id: user.id, username: user.username, isGuest: user.isGuest } : null,
      });
    });
  } else {
    const cookie = probe.settings.cookie.name;
    app.get("/page", async (c) => c.json({ user: await opened.run(getCookie(c, cookie) ?? "") }));
  }
  const server = await new Promise<Server>((resolve) => {
    const node = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(node as Server),
    );
  });
  process.on("message", (message) => {
    if (message !== "stop") return;
    server.closeAllConnections();
    server.close(() => {
      opened.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  });
  process.on("disconnect", () => process.exit(0));
  const address = server.address();
  send({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
}

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
