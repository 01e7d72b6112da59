/**
 * The reference app's Fastify error handler: Fastify logs nothing with its logger off (the
 * default), so a failure of ours would be a silent 500. A client error keeps its status.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorLog } from "./express-errors.ts";

/**
 * Answers what reaches Fastify's error handling: a client error (`statusCode` 4xx: a body
 * Fastify refused, 400 malformed JSON, 413 too large, 415 unsupported type) with Fastify's own
 * answer, unlogged; anything else with a 500 and ONE log line.
 *
 * @example
 * ```ts
 * app.setErrorHandler(fastifyErrorHandler());
 * ```
 */
export function fastifyErrorHandler(log: ErrorLog = console) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(error);
    log.error(error);
    return reply.code(500).type("text/plain").send("Internal Server Error");
  };
}
