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
export { METER_NAME } from "./load.ts";
export { NO_METRICS } from "./noop.ts";
export { INSTRUMENTS } from "./recorder.ts";
export { resolveMetrics } from "./resolve.ts";
export type {
  DeletedBy,
  GateRefusal,
  GuestUserMetrics,
  InstrumentOptions,
  MetricAttributes,
  MetricsCounter,
  MetricsHistogram,
  MetricsMeter,
} from "./types.ts";
