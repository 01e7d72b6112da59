import type { Logger } from "../core/model/events.ts";
import type { DatabaseProblem, DatabaseUnavailableError } from "../shared/database-errors.ts";
import { plainFailure } from "./body-failure.ts";
import type { HttpRequest } from "./request.ts";

/** The first words of the outage's log line, by what is wrong. */
const PROBLEMS: { readonly [Reason in DatabaseProblem]: string } = {
  unreachable: "the database is unreachable",
  "database-missing": "the database does not exist",
  "access-denied": "the database server refused the login",
  "directory-missing": "the SQLite database's directory is missing",
};

/** How long a client is asked to wait while the database is unreachable: 5 seconds. */
const RETRY_AFTER = { "retry-after": "5" };

/**
 * Tracks database outages so a flood of failing requests logs ONE line when the outage
 * starts and one when it ends, not one per request.
 */
export function outageMonitor(logger: Logger) {
  let down = false;
  return {
    /** True while the last database call failed to connect. */
    get down() {
      return down;
    },
    failed(error: DatabaseUnavailableError): void {
      if (down) return;
      down = true;
      logger.error(
        `guest-user: ${PROBLEMS[error.reason]}; answering 503 with Retry-After until it is back. ${error.message}`,
      );
    },
    recovered(): void {
      if (!down) return;
      down = false;
      logger.warn("guest-user: the database is reachable again.");
    },
  };
}

/**
 * The 503 every path answers while the database is down: JSON for clients that ask for it,
 * else a short HTML page; `Retry-After` and `Cache-Control: no-store` on both.
 */
export function unavailableResponse(request: HttpRequest): Response {
  const json = /\bjson\b/i.test(request.headers.get("accept") ?? "");
  const message = "The service is temporarily unavailable. Please try again in a moment.";
  const error = { code: "DATABASE_UNAVAILABLE", message };
  return plainFailure(json, 503, "Service unavailable", error, RETRY_AFTER);
}
