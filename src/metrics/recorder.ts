import type {
  DeletedBy,
  GateRefusal,
  GuestUserMetrics,
  MetricAttributes,
  MetricsMeter,
} from "./types.ts";

/** Session lookups take a fraction of a millisecond to a few: buckets in seconds. */
const LOOKUP_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The `reason` attribute of each counted refusal; a HEAD request is not one. */
const REFUSAL_REASONS: Readonly<Record<GateRefusal, string | null>> = {
  crawler: "bot",
  limited: "limit",
  vetoed: "veto",
  disabled: "disabled",
  method: null,
};

/** The instruments, named as OpenTelemetry spells them (Prometheus: dots become `_`). */
function instruments(meter: MetricsMeter) {
  const counter = (name: string, description: string, unit = "{guest}") =>
    meter.createCounter(name, { description, unit });
  return {
    created: counter("guest_user.guests.created", "Guests created."),
    refused: counter(
      "guest_user.guests.refused",
      "Visitors refused a guest (reason: bot, limit, veto, disabled).",
    ),
    converted: counter(
      "guest_user.guests.converted",
      "Guests converted to registered users (method: form, social).",
    ),
    merged: counter("guest_user.guests.merged", "Guests merged into an existing account."),
    deleted: counter(
      "guest_user.users.deleted",
      "Users deleted (by: cleanup, self, admin; kind: guest, registered).",
      "{user}",
    ),
    quotaExceeded: meter.createCounter("guest_user.quota.exceeded", {
      description: "Requests refused by a quota (quota: its name; kind: guest, registered).",
      unit: "{request}",
    }),
    lookup: meter.createHistogram("guest_user.session.lookup.duration", {
      description: "Session lookups by token (result: hit, miss).",
      unit: "s",
      advice: { explicitBucketBoundaries: LOOKUP_BUCKETS },
    }),
  };
}

const HIT: MetricAttributes = { result: "hit" };
const MISS: MetricAttributes = { result: "miss" };

/**
 * Records to the meter `getMeter` returns, asked for on the first measurement (so a global
 * MeterProvider registered after `createGuestUsers()`, but before the first request, is used).
 *
 * @example
 * ```ts
 * const recorder = meterMetrics(() => meterProvider.getMeter("guest-user"));
 * recorder.created();
 * ```
 */
export function meterMetrics(getMeter: () => MetricsMeter): GuestUserMetrics {
  let made: ReturnType<typeof instruments> | null = null;
  const use = () => (made ??= instruments(getMeter()));
  return {
    enabled: true,
    created: () => use().created.add(1),
    refused(reason) {
      const counted = REFUSAL_REASONS[reason];
      if (counted) use().refused.add(1, { reason: counted });
    },
    converted: (method) => use().converted.add(1, { method }),
    merged: () => use().merged.add(1),
    deleted(count: number, by: DeletedBy, guest = true) {
      if (count > 0) use().deleted.add(count, { by, kind: guest ? "guest" : "registered" });
    },
    quotaExceeded: (quota, kind) => use().quotaExceeded.add(1, { quota, kind }),
    async sessionLookup(lookup) {
      const started = performance.now();
      const result = await lookup();
      const seconds = (performance.now() - started) / 1000;
      use().lookup.record(seconds, result === null ? MISS : HIT);
      return result;
    },
  };
}
