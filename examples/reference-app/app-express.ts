/** The reference app on Express. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler } from "express";
import type { GuestUsers } from "guest-user";
import { guestUserExpress } from "guest-user/express";
import {
  guardedPages,
  type ListenOptions,
  plainPages,
  type RunningApp,
  urlOf,
  viewPages,
} from "./pages.ts";

export async function start(guestUsers: GuestUsers, options: ListenOptions): Promise<RunningApp> {
  const guestUser = guestUserExpress(guestUsers);
  const app = express();
  app.disable("x-powered-by");
  app.use(guestUser.session());
  app.use(guestUser.router()); // accountViews: /convert/, /convert/success/, /accounts/login/, ...
  for (const page of guardedPages) {
    app.get(page.path, guestUser[page.guard](), guestUser.mount(page.handler));
  }
  for (const page of [...viewPages, ...plainPages])
    app.all(page.path, guestUser.mount(page.handler));
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    console.error(error);
    res.status(500).type("text/plain").send("Internal Server Error");
  };
  app.use(onError);

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
