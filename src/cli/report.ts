import { GuestUserError } from "../index.ts";
import { hideCredentials } from "../shared/hide-credentials.ts";
import { UsageError } from "./args.ts";
import { EXIT, type Output, writeLine } from "./io.ts";

/** One line, with the password of any URL in it hidden (a mistyped `--database` URL, say). */
function oneLine(text: string): string {
  return hideCredentials(text.replace(/\s*\n\s*/g, " ").trim());
}

/**
 * Prints an error as one line on `stderr`, never a stack trace, and returns the exit code:
 * 2 for a usage error, 1 for everything else (`error [CODE]: message` for the library's own
 * errors).
 * @example
 * ```ts
 * return report(error, io.stderr); // "error [DATABASE_UNAVAILABLE]: The database could not..."
 * ```
 */
export function report(error: unknown, stderr: Output): number {
  if (error instanceof UsageError) {
    writeLine(stderr, `guest-user: ${oneLine(error.message)}. See guest-user --help.`);
    return EXIT.usage;
  }
  if (error instanceof GuestUserError) {
    writeLine(stderr, `error [${error.code}]: ${oneLine(error.message)}`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  writeLine(stderr, `error: ${oneLine(message)}`);
  return EXIT.failure;
}
