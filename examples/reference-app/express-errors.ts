/**
 * The reference app's Express error handler: a body parser's refusal answers with its own
 * status, a client that went away is nobody's failure, anything else is a 500 and one log line.
 */
import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler } from "express";

/** Where the 500s are logged: `console` by default. */
export interface ErrorLog {
  error(...args: unknown[]): void;
}

/**
 * The 4xx status an error carries (`status` or `statusCode`, as body-parser's and other
 * http-errors do: 400 malformed JSON, 413 too large, 415 unsupported charset or encoding), or
 * null for a failure of ours.
 */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === "number" ? status : statusCode;
  return typeof code === "number" && code >= 400 && code < 500 ? code : null;
}

/**
 * Answers what reaches Express's error handling:
 * - the client hung up (an aborted upload: body-parser's `request.aborted`): nothing to answer
 *   and nothing to log;
 * - a client error (`err.status` 4xx, e.g. body-parser's 400/413/415): that status, with the
 *   error's message when `err.expose` says it is meant for the client;
 * - anything else: 500 and ONE log line.
 *
 * @example
 * ```ts
 * app.use(expressErrorHandler());
 * ```
 */
export function expressErrorHandler(log: ErrorLog = console): ErrorRequestHandler {
  return (error, req, res, next) => {
    // Part of an answer is out: Express's own handler closes the connection.
    if (res.headersSent) return next(error);
    if (req.socket.destroyed || res.destroyed) return;
    const status = clientErrorStatus(error);
    if (status !== null) {
      const exposed = (error as { expose?: unknown }).expose === true;
      const message = exposed && error instanceof Error ? error.message : STATUS_CODES[status];
      res
        .status(status)
        .type("text/plain")
        .send(message ?? "Bad Request");
      return;
    }
    log.error(error);
    res.status(500).type("text/plain").send("Internal Server Error");
  };
}
