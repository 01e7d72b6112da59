const ABORT_CODES = new Set([
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_ABORTED",
]);

/**
 * True when an error only says that the client went away (a closed tab, an aborted upload):
 * there is nobody to answer and nothing to log as a server error.
 */
export function isClientAbort(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (!(current instanceof Error)) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && ABORT_CODES.has(code)) return true;
    if (current.name === "AbortError" || current.message === "aborted") return true;
    current = current.cause;
  }
  return false;
}
