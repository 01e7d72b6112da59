import { createRequire } from "node:module";
import { GuestUserError } from "../shared/errors.ts";
import type { MetricsMeter } from "./types.ts";

/** What `metrics: true` needs of `@opentelemetry/api`. */
interface OpenTelemetryApi {
  readonly metrics: { getMeter(name: string, version?: string): MetricsMeter };
}

/**
 * Loads `@opentelemetry/api` (an optional peer) at start-up, synchronously, and returns a
 * function giving the global `guest-user` meter. Throws `DRIVER_MISSING` naming the install
 * command when the package is not installed.
 *
 * @example
 * ```ts
 * const getMeter = globalMeter(); // metrics: true
 * ```
 */
export function globalMeter(load: (id: string) => unknown = createRequire(import.meta.url)) {
  let api: OpenTelemetryApi;
  try {
    api = load("@opentelemetry/api") as OpenTelemetryApi;
  } catch (cause) {
    throw new GuestUserError(
      "DRIVER_MISSING",
      'The option `metrics: true` needs the "@opentelemetry/api" package: run `npm i @opentelemetry/api`, or pass a Meter as `metrics`.',
      { cause },
    );
  }
  let manifest: { name?: unknown; version?: unknown } = {};
  try {
    // This package's version: src/metrics and dist/metrics are both two levels down. Bundled
    // into an app (Nitro's chunks), that path is the app's own package.json: not ours.
    manifest = load("../../package.json") as typeof manifest;
  } catch {}
  const { name, version } = manifest;
  const known = name === "guest-user" && typeof version === "string" ? version : undefined;
  return (): MetricsMeter => api.metrics.getMeter("guest-user", known);
}
