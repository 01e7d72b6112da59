/** Reads a driver error's `code` or `errno` without trusting its shape. */
export function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string") return code;
  if (typeof errno === "number") return errno;
  return undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
]);

/** Network-level failures common to every networked driver. */
export function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return (
    error instanceof Error &&
    /Connection terminated|connection.*closed|Cannot enqueue/i.test(error.message)
  );
}
