/**
 * The outage log line says what is wrong (unreachable, missing database, refused login,
 * missing SQLite directory), once per outage, and once when the database answers again.
 */
import { describe, expect, it } from "vitest";
import { outageMonitor } from "../../src/http/outage.ts";
import {
  type DatabaseProblem,
  DatabaseUnavailableError,
} from "../../src/shared/database-errors.ts";

function recorder() {
  const lines: { level: string; text: string }[] = [];
  const log =
    (level: string) =>
    (...parts: unknown[]) =>
      lines.push({ level, text: parts.map(String).join(" ") });
  return { lines, logger: { error: log("error"), warn: log("warn"), info: log("info") } };
}

const CASES: readonly (readonly [DatabaseProblem, RegExp])[] = [
  ["unreachable", /^guest-user: the database is unreachable; answering 503/],
  ["database-missing", /^guest-user: the database does not exist; answering 503/],
  ["access-denied", /^guest-user: the database server refused the login; answering 503/],
  ["directory-missing", /^guest-user: the SQLite database's directory is missing; answering 503/],
];

describe("the outage log", () => {
  it.each(CASES)("names a %s outage, once, and its end", (reason, first) => {
    const { lines, logger } = recorder();
    const outage = outageMonitor(logger);
    const error = new DatabaseUnavailableError(new Error("driver"), {
      reason,
      message: "What to do about it.",
    });
    outage.failed(error);
    outage.failed(error);
    outage.recovered();
    expect(lines).toEqual([
      { level: "error", text: expect.stringMatching(first) },
      { level: "warn", text: "guest-user: the database is reachable again." },
    ]);
    expect(lines[0]?.text).toContain("What to do about it.");
  });
});
