import { isbot } from "isbot";

/** The reference's crawler list: the default of the `blockedUserAgents` option. */
export const DEFAULT_BLOCKED_USER_AGENTS: readonly string[] = [
  "Googlebot",
  "Mediapartners-Google",
  "Bingbot",
  "Slurp",
  "DuckDuckBot",
  "Baiduspider",
  "Yandex(Mobile)?Bot",
  "Sogou",
  "Exabot",
  "facebot",
  "facebookexternalhit",
  "ia_archiver",
];

/**
 * The crawler test guest creation uses: a missing or blank User-Agent, a match of `patterns`
 * (the `blockedUserAgents` option), or, with `detectBots`, a match of isbot's maintained list.
 *
 * @example
 * ```ts
 * const isCrawler = crawlerDetector(DEFAULT_BLOCKED_USER_AGENTS, true);
 * isCrawler("GPTBot/1.0"); // true
 * isCrawler(""); // true
 * ```
 */
export function crawlerDetector(
  patterns: readonly (string | RegExp)[],
  detectBots: boolean,
): (userAgent: string | null) => boolean {
  const source = patterns.map((p) => (typeof p === "string" ? p : p.source)).join("|");
  const blocked = patterns.length > 0 ? new RegExp(source, "i") : null;
  return (userAgent) =>
    userAgent === null ||
    userAgent.trim() === "" ||
    blocked?.test(userAgent) === true ||
    (detectBots && isbot(userAgent));
}
