import type { RateLimit } from "../../limits/types.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import { hideCredentials } from "../../shared/hide-credentials.ts";

/**
 * An option's value, or `fallback` when it is undefined; `INVALID_CONFIG` naming the option and
 * what it expects when `valid` says no.
 * @example
 * ```ts
 * check("maxAge", options.maxAge, TWO_WEEKS, isSeconds, "a positive number of seconds");
 * ```
 */
export function check<T>(
  option: string,
  value: T | undefined,
  fallback: T,
  valid: (v: T) => boolean,
  expected: string,
  show: (value: unknown) => string = describe,
): T {
  if (value === undefined) return fallback;
  if (!valid(value))
    throw new InvalidConfigError(option, `expected ${expected}, got ${show(value)}`);
  return value;
}

/** A rejected value as an error message shows it (functions by kind only, URLs without password). */
export function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return hideCredentials(JSON.stringify(value) ?? String(value));
  } catch {
    return hideCredentials(String(value));
  }
}

/** A rejected secret as an error message shows it: its kind and length, never its characters. */
export function describeSecret(value: unknown): string {
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

export const isBoolean = (v: unknown) => typeof v === "boolean";
export const isSeconds = (v: number) => typeof v === "number" && Number.isFinite(v) && v > 0;
export const isUrl = (v: string) =>
  typeof v === "string" && (/^\/(?![/\\])/.test(v) || /^https?:\/\/[^\s]+$/i.test(v));
export const isRateLimit = (v: RateLimit | null) =>
  v === null ||
  (typeof v === "object" && Number.isInteger(v.max) && v.max >= 1 && isSeconds(v.windowSeconds));
export const URL_EXPECTED = 'a path starting with "/" or an http(s) URL';
