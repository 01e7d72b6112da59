/**
 * Metrics through the OpenTelemetry API: counters of guests created, refused, converted,
 * merged and of users deleted, and a histogram of session lookups. Turned on with the
 * `metrics` option of `createGuestUsers()`.
 *
 * @example
 * ```ts
 * const guestUsers = createGuestUsers({ metrics: meterProvider.getMeter("guest-user") });
 * ```
 * @module
 */
export type { GuestUserMetrics, MetricsMeter } from "./types.ts";
