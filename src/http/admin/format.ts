/**
 * How the admin pages show times and sizes: UTC dates, "3 days ago", "1.2 KB". Plain text:
 * the templates escape what they insert.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A time as `YYYY-MM-DD HH:MM UTC`, e.g. "2026-01-05 14:03 UTC". */
export function formatTime(millis: number): string {
  return `${new Date(millis).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** How long ago `millis` was, seen at `now`, in the largest whole unit: "3 days ago". */
export function timeAgo(millis: number, now: number): string {
  const elapsed = now - millis;
  if (elapsed < MINUTE) return elapsed < 0 ? "in the future" : "just now";
  const [size, unit] =
    elapsed < HOUR ? [MINUTE, "minute"] : elapsed < DAY ? [HOUR, "hour"] : [DAY, "day"];
  const count = Math.floor(elapsed / size);
  return `${count} ${unit}${count === 1 ? "" : "s"} ago`;
}

/** A byte count for people: `0 B`, `512 B`, `1.2 KB`, `3.4 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A number with thousands separators: "1,234,567". */
export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** A duration in seconds as the largest whole unit that fits: `14 days`, `6 hours`. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}
