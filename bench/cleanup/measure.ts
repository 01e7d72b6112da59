/**
 * Time, memory and event-loop stalls of one clean-up (ours or the floor), measured the same way
 * for both: `process.memoryUsage()` sampled every 10 ms and after every batch, and the event
 * loop as a server running the clean-up in-process would feel it: the longest gap between two
 * ticks of a 10 ms interval timer (so a gap includes up to 10 ms of the timer's own period).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const MiB = 1024 * 1024;

// A GC before the baseline makes "heap growth" mean something; works without --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** What one clean-up measured. */
export interface Measured {
  readonly seconds: number;
  /** CPU time of this process (user + system), s: the driver's and ours, not the server's. */
  readonly cpuSeconds: number;
  readonly deleted: number;
  /** Peak RSS, MiB. */
  readonly peakRss: number;
  /** Peak heap used minus heap used before (after a GC), MiB. */
  readonly heapGrowth: number;
  /** Heap still used after the run and a GC, minus before, MiB. */
  readonly retained: number;
  /** Longest gap between two ticks of the 10 ms timer, ms. */
  readonly stall: number;
  /** One line: batches, their times, the timer and the event-loop delay histogram. */
  readonly detail: string;
}

/**
 * Runs `cleanup` (which resolves to the users it deleted and calls `batchDone` after each
 * batch) under the memory sampler and the event-loop timer.
 */
export async function measure(
  cleanup: (batchDone: () => void) => Promise<number>,
): Promise<Measured> {
  gc();
  const base = process.memoryUsage();
  let [peakRss, peakHeap, ticks, stall] = [base.rss, base.heapUsed, 0, 0];
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let [lastTick, lastBatch] = [start, start];
  const timer = setInterval(() => {
    const now = performance.now();
    [stall, lastTick] = [Math.max(stall, now - lastTick), now];
    ticks++;
    sample();
  }, 10);
  // Batch times in a fixed-size summary (count, first 5, last 5, slowest): constant memory.
  let [batches, slowest] = [0, 0];
  const first: number[] = [];
  const last: number[] = [];
  // Also sampled per batch: better-sqlite3 is synchronous and may starve the timer.
  const batchDone = () => {
    const now = performance.now();
    const ms = now - lastBatch;
    lastBatch = now;
    batches++;
    slowest = Math.max(slowest, ms);
    if (first.length < 5) first.push(ms);
    last.push(ms);
    if (last.length > 5) last.shift();
    sample();
  };
  const deleted = await cleanup(batchDone).finally(() => {
    clearInterval(timer);
    delay.disable();
  });
  const end = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  sample();
  stall = Math.max(stall, end - lastTick);
  gc();
  const retained = (process.memoryUsage().heapUsed - base.heapUsed) / MiB;
  const mean = (list: number[]) => (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1);
  const detail =
    `CPU ${((user + system) / 1e6).toFixed(2)} s; ${batches} batches, mean ms of first 5 ${mean(first)}, of last 5 ${mean(last)},` +
    ` slowest ${slowest.toFixed(1)}; 10 ms timer fired ${ticks}x, longest gap ${stall.toFixed(0)} ms,` +
    ` event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms;` +
    ` RSS before ${(base.rss / MiB).toFixed(1)} MiB; heap retained after GC ${retained.toFixed(2)} MiB`;
  return {
    seconds: (end - start) / 1000,
    cpuSeconds: (user + system) / 1e6,
    deleted,
    peakRss: peakRss / MiB,
    heapGrowth: (peakHeap - base.heapUsed) / MiB,
    retained,
    stall,
    detail,
  };
}
