/**
 * Summarises a `node --cpu-prof` profile (as written by `npm run bench -- --profile DIR`):
 * self time by package / source file, the top functions by self time, and the inclusive
 * ("total") time of our own functions (src/) and of chosen library entry points.
 *
 * @example
 * ```sh
 * npx tsx bench/http/profile.ts /tmp/prof/sqlite-guest-user-express.cpuprofile --top 25
 * ```
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: a package, one of our files, Node itself, or V8's buckets. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : `(native) ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return url;
  const own = /\/(src|bench)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

const nameOf = (frame: CallFrame) =>
  `${frame.functionName || "(anonymous)"} ${groupOf(frame)}:${frame.lineNumber + 1}`;

/** Self and inclusive milliseconds per function, and self milliseconds per group. */
export function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += ms;
    const name = nameOf(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + ms);
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const key = nameOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  return { total, self, inclusive, groups };
}

function top(map: Map<string, number>, count: number, total: number, filter = (_: string) => true) {
  return [...map]
    .filter(([name]) => filter(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, ms]) =>
        `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
    )
    .join("\n");
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: "string", default: "20" }, match: { type: "string" } },
  });
  const file = positionals[0];
  if (!file) {
    console.error("Usage: npx tsx bench/http/profile.ts FILE.cpuprofile [--top N] [--match TEXT]");
    process.exit(2);
  }
  const count = Number(values.top);
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const { total, self, inclusive, groups } = summarise(profile);
  const busy = total - (groups.get("(idle)") ?? 0);
  console.log(`${file}: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle\n`);
  console.log(`Self time by package / file:\n${top(groups, count, total)}\n`);
  console.log(`Top functions by self time:\n${top(self, count, total)}\n`);
  const ours = (name: string) => / src\//.test(name);
  console.log(`Our functions (src/), inclusive time:\n${top(inclusive, count, total, ours)}\n`);
  if (values.match) {
    const match = values.match;
    console.log(
      `Inclusive time, matching "${match}":\n${top(inclusive, count, total, (n) => n.includes(match))}`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() as string)) main();
