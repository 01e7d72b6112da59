import * as v from "valibot";
import { InvalidConfigError } from "../shared/errors.ts";
import { withMethods } from "../shared/option-values.ts";
import { globalMeter } from "./load.ts";
import { NO_METRICS } from "./noop.ts";
import { meterMetrics } from "./recorder.ts";
import type { GuestUserMetrics, MetricsMeter } from "./types.ts";

const METER = withMethods<MetricsMeter>(["createCounter", "createHistogram"], "a Meter");

/**
 * The `metrics` option as a recorder: off (`undefined`, `false`) records nothing at no cost;
 * `true` uses `@opentelemetry/api`'s global meter (`DRIVER_MISSING` when the package is not
 * installed); a `Meter` is used as given. Anything else is `INVALID_CONFIG`.
 *
 * @example
 * ```ts
 * resolveMetrics(meterProvider.getMeter("guest-user"));
 * ```
 */
export function resolveMetrics(option: unknown): GuestUserMetrics {
  if (option === undefined || option === false) return NO_METRICS;
  if (option === true) return meterMetrics(globalMeter());
  if (v.is(METER, option)) return meterMetrics(() => option);
  throw new InvalidConfigError(
    "metrics",
    `expected true, false or an OpenTelemetry Meter (e.g. meterProvider.getMeter("guest-user")), got ${option === null ? "null" : typeof option}`,
  );
}
