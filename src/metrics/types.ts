/**
 * The slice of OpenTelemetry's `Meter` this library uses. Declared here, so that the package's
 * types never name `@opentelemetry/api` (an optional peer): any OpenTelemetry `Meter` fits.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * const meter: MetricsMeter = metrics.getMeter("guest-user");
 * ```
 */
export interface MetricsMeter {
  /** Makes a monotonic counter (OpenTelemetry's `Meter.createCounter`). */
  createCounter(name: string, options?: InstrumentOptions): MetricsCounter;
  /** Makes a histogram (OpenTelemetry's `Meter.createHistogram`). */
  createHistogram(name: string, options?: InstrumentOptions): MetricsHistogram;
}

/** What an instrument is created with (a subset of OpenTelemetry's `MetricOptions`). */
export interface InstrumentOptions {
  readonly description?: string;
  /** UCUM unit: `"s"`, or a curly-braced annotation such as `"{guest}"`. */
  readonly unit?: string;
  /** Histogram bucket boundaries the SDK should use unless a View says otherwise. */
  readonly advice?: { readonly explicitBucketBoundaries?: number[] };
}

/** Attributes of one measurement. */
export type MetricAttributes = Record<string, string>;

/** A counter: OpenTelemetry's `Counter`. */
export interface MetricsCounter {
  add(value: number, attributes?: MetricAttributes): void;
}

/** A histogram: OpenTelemetry's `Histogram`. */
export interface MetricsHistogram {
  record(value: number, attributes?: MetricAttributes): void;
}

/** Why the gate refused a guest, as the web layer says it (`RefusalReason`). */
export type GateRefusal = "disabled" | "method" | "crawler" | "limited" | "vetoed";

/** Who deleted users: the `by` attribute of `guest_user.users.deleted`. */
export type DeletedBy = "cleanup" | "self" | "admin";

/**
 * What the library records, called where each event happens, after its transaction
 * committed. When metrics are off every method is a no-op (and `sessionLookup` runs the
 * lookup as it is), so the hooks cost nothing.
 */
export interface GuestUserMetrics {
  /** True when measurements go to a meter. */
  readonly enabled: boolean;
  /** A guest was created (`guest_user.guests.created`). */
  created(): void;
  /** The gate refused a guest (`guest_user.guests.refused`; a HEAD request is not counted). */
  refused(reason: GateRefusal): void;
  /** A guest converted (`guest_user.guests.converted`). */
  converted(method: "form" | "social"): void;
  /** A guest merged into an existing account (`guest_user.guests.merged`). */
  merged(): void;
  /** `count` users were deleted (`guest_user.users.deleted`). @default guest true */
  deleted(count: number, by: DeletedBy, guest?: boolean): void;
  /** A quota refused a user (`guest_user.quota.exceeded`; `quota`: its name, `kind`: guest, registered). */
  quotaExceeded(quota: string, kind: "guest" | "registered"): void;
  /**
   * Times a session lookup (`guest_user.session.lookup.duration`, seconds): a non-null
   * result is a `hit`, null a `miss`; a lookup that throws records nothing.
   */
  sessionLookup<T>(lookup: () => Promise<T>): Promise<T>;
}
