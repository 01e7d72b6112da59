import {
  type CollectionResult,
  DataPointType,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";

/** A reader the test collects from when it wants (no timer). */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type Attributes = Record<string, string>;

const matches = (point: Record<string, unknown>, wanted: Attributes) =>
  Object.entries(wanted).every(([key, value]) => point[key] === value);

/**
 * A real OpenTelemetry SDK MeterProvider with a reader, and what the tests ask of it: the sum
 * of a counter, the count of a histogram, for the data points carrying `attributes`.
 *
 * @example
 * ```ts
 * const otel = testMeter();
 * const gu = await fx.open({ metrics: otel.meter });
 * expect(await otel.count("guest_user.guests.created")).toBe(1);
 * ```
 */
export function testMeter() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async (): Promise<CollectionResult> => {
    const result = await reader.collect();
    if (result.errors.length > 0) throw result.errors[0];
    return result;
  };
  const metric = async (name: string) => {
    const { resourceMetrics } = await collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    return all.find((m) => m.descriptor.name === name) ?? null;
  };
  return {
    provider,
    reader,
    meter: provider.getMeter("guest-user"),
    collect,
    metric,
    /** A counter's total over the data points with these attributes (0 when never recorded). */
    async count(name: string, attributes: Attributes = {}): Promise<number> {
      const found = await metric(name);
      if (!found) return 0;
      if (found.dataPointType !== DataPointType.SUM) throw new Error(`${name} is no counter`);
      return found.dataPoints
        .filter((p) => matches(p.attributes, attributes))
        .reduce((sum, p) => sum + p.value, 0);
    },
    /** How many values a histogram recorded with these attributes, and their sum. */
    async histogram(name: string, attributes: Attributes = {}) {
      const found = await metric(name);
      if (!found) return { count: 0, sum: 0 };
      if (found.dataPointType !== DataPointType.HISTOGRAM)
        throw new Error(`${name} is no histogram`);
      const points = found.dataPoints.filter((p) => matches(p.attributes, attributes));
      return {
        count: points.reduce((n, p) => n + p.value.count, 0),
        sum: points.reduce((n, p) => n + (p.value.sum ?? 0), 0),
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
