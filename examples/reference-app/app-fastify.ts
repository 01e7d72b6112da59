/** The reference app on Fastify. */
import Fastify from "fastify";
import { accountViews, type GuestUsers } from "guest-user";
import { guestUserFastify } from "guest-user/fastify";
import { fastifyErrorHandler } from "./fastify-errors.ts";
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
  const guestUser = guestUserFastify(guestUsers);
  const { trustProxy } = options;
  const app = Fastify({
    // Fastify takes a hop count too, but its types do not: the same rule as a function.
    trustProxy:
      typeof trustProxy === "number"
        ? (_address: string, hop: number) => hop < trustProxy
        : trustProxy === undefined
          ? false
          : [...trustProxy],
  });
  await app.register(guestUser.session()); // also parses POSTed forms (the guards read csrf_token)
  await app.register(guestUser.routes(accountViews(guestUser.http)));
  await app.register(guestUser.routes(await operationRoutes(guestUser.http, options.operations)));
  const owned = options.ownedData ? ownedDataPages(options.ownedData) : [];
  for (const page of [...guardedPages, ...owned]) {
    app.route({
      method: [...page.methods],
      url: page.path,
      preHandler: guestUser[page.guard](),
      handler: guestUser.mount(page.handler),
    });
  }
  for (const page of [...viewPages, ...plainPages])
    app.all(page.path, guestUser.mount(page.handler));
  if (options.quota) {
    app.post(quotaPath(options.quota), {
      preHandler: guestUser.quota(options.quota.name),
      handler: guestUser.mount(quotaHandler),
    });
  }
  // Fastify's refusals keep their 4xx; a failure of ours is a 500 and one log line.
  app.setErrorHandler(fastifyErrorHandler());

  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { url: urlOf(options.host, port), close: () => app.close() };
}
