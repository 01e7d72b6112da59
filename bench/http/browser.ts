/**
 * A browser's User-Agent for every bench request: guest-user refuses guests to a missing one
 * and to what isbot calls a bot (autocannon sends none, Node's fetch says `node`).
 */
export const BROWSER = {
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
} as const;
