import type { RequestHandler } from "express";
import type { WebHandler, WebRoute } from "../../http/handler.ts";

/**
 * One middleware answering the routes by exact path (relative to where it is mounted) and
 * method (HEAD reaches the GET handler, as in Express); anything else goes on to `next()`. Works the
 * same on Express 4 and 5 and needs no runtime import of express.
 *
 * @example
 * ```ts
 * app.use(routesMiddleware(accountViews(http), guestUser.mount));
 * ```
 */
export function routesMiddleware(
  routes: readonly WebRoute[],
  mount: (handler: WebHandler) => RequestHandler,
): RequestHandler {
  const table = new Map<string, Map<string, RequestHandler>>();
  for (const route of routes) {
    const methods = table.get(route.path) ?? new Map<string, RequestHandler>();
    const handler = mount(route.handler);
    for (const method of route.methods) methods.set(method, handler);
    if (route.methods.includes("GET") && !methods.has("HEAD")) methods.set("HEAD", handler);
    table.set(route.path, methods);
  }
  return (req, res, next) => {
    const handler = table.get(req.path)?.get(req.method);
    if (handler) return handler(req, res, next);
    next();
  };
}
