import { isbot } from "isbot";

/**
 * The reference's crawler list: regular expressions, joined and matched case-insensitively
 * anywhere in the User-Agent. A match never gets a guest.
 */
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
 * Compiles the `blockedUserAgents` patterns into one case-insensitive test.
 *
 * @example
 * ```ts
 * const isBlocked = userAgentMatcher(DEFAULT_BLOCKED_USER_AGENTS);
 * isBlocked("Mozilla/5.0 (compatible; Googlebot/2.1)"); // true
 * ```
 */
export function userAgentMatcher(
  patterns: readonly (string | RegExp)[],
): (userAgent: string | null) => boolean {
  if (patterns.length === 0) return () => false;
  const source = patterns.map((p) => (typeof p === "string" ? p : p.source)).join("|");
  const pattern = new RegExp(source, "i");
  return (userAgent) => userAgent !== null && pattern.test(userAgent);
}

/**
 * The crawler test guest creation uses: a missing or blank User-Agent, a match of `patterns`
 * (the reference's list by default), or, with `detectBots`, a match of isbot's maintained
 * list (GPTBot, AhrefsBot, Applebot, curl, python-requests, headless browsers...).
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
  const matches = userAgentMatcher(patterns);
  return (userAgent) =>
    userAgent === null ||
    userAgent.trim() === "" ||
    matches(userAgent) ||
    (detectBots && isbot(userAgent));
}
