/** The reference app on Express. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { GuestUsers } from "guest-user";
import { guestUserExpress } from "guest-user/express";
import { expressErrorHandler } from "./express-errors.ts";
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
  const guestUser = guestUserExpress(guestUsers);
  const app = express();
  app.disable("x-powered-by");
  // Before anything reads req.ip / req.protocol: the session middleware and the guards do.
  if (options.trustProxy !== undefined) app.set("trust proxy", options.trustProxy);
  app.use(guestUser.session());
  app.use(guestUser.router()); // accountViews: /convert/, /convert/success/, /accounts/login/, ...
  app.use(guestUser.router(await operationRoutes(guestUser.http, options.operations)));
  // The POSTed pages' bodies are parsed before the guard, which reads the form's csrf_token.
  const parseBody = [express.urlencoded({ extended: false }), express.json()];
  const owned = options.ownedData ? ownedDataPages(options.ownedData) : [];
  for (const page of [...guardedPages, ...owned]) {
    const handlers = [guestUser[page.guard](), guestUser.mount(page.handler)];
    if (page.methods.includes("GET")) app.get(page.path, ...handlers);
    if (page.methods.includes("POST")) app.post(page.path, ...parseBody, ...handlers);
  }
  for (const page of viewPages) {
    if (page.body) app.post(page.path, ...parseBody);
    app.all(page.path, guestUser.mount(page.handler));
  }
  for (const page of plainPages) app.all(page.path, guestUser.mount(page.handler));
  if (options.quota) {
    app.post(
      quotaPath(options.quota),
      ...parseBody,
      guestUser.quota(options.quota.name),
      guestUser.mount(quotaHandler),
    );
  }
  // Body-parser refusals keep their 4xx, aborted uploads are not logged, the rest is a 500.
  app.use(expressErrorHandler());

  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (EADDRINUSE...) to the callback.
    const started = app.listen(options.port, options.host, (error?: Error) =>
      error ? reject(error) : resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: urlOf(options.host, port),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
