/** The reference app on Hono (served by @hono/node-server). */
import { serve } from "@hono/node-server";
import { accountViews, type GuestUsers } from "guest-user";
import { type GuestUserEnv, guestUserHono } from "guest-user/hono";
import { Hono } from "hono";
import { operationRoutes } from "./operations.ts";
import { ownedDataPages } from "./owned-data.ts";
import {
  guardedPages,
  type ListenOptions,
  plainPages,
  type RunningApp,
  urlOf,
  viewPages,
} from "./pages.ts";
import { quotaHandler, quotaPath } from "./quota.ts";

export async function start(guestUsers: GuestUsers, options: ListenOptions): Promise<RunningApp> {
  const guestUser = guestUserHono(guestUsers, { trustProxy: options.trustProxy });
  const app = new Hono<GuestUserEnv>();
  app.use(guestUser.session());
  app.use(guestUser.routes(accountViews(guestUser.http)));
  app.use(guestUser.routes(await operationRoutes(guestUser.http, options.operations)));
  const owned = options.ownedData ? ownedDataPages(options.ownedData) : [];
  for (const page of [...guardedPages, ...owned]) {
    app.on([...page.methods], page.path, guestUser[page.guard](), guestUser.mount(page.handler));
  }
  for (const page of [...viewPages, ...plainPages])
    app.all(page.path, guestUser.mount(page.handler));
  if (options.quota) {
    const { name } = options.quota;
    app.post(quotaPath(options.quota), guestUser.quota(name), guestUser.mount(quotaHandler));
  }
  app.onError((error, c) => {
    console.error(error);
    return c.text("Internal Server Error", 500);
  });

  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
      (info) => {
        resolve({
          url: urlOf(options.host, info.port),
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
