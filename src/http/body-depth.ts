import { BodyError } from "../shared/errors.ts";

/**
 * The deepest JSON body the library reads or re-encodes: 64 nested arrays or objects. Far more
 * than any form or API payload needs, far less than what makes `JSON.stringify` (or
 * `String()` of an array) overflow the stack: about 5,000 levels, which fit in 10 KB.
 * @default 64
 */
const MAX_JSON_DEPTH = 64;

/**
 * Throws a 400 {@link BodyError} `BODY_TOO_DEEP` when a parsed body nests more than
 * {@link MAX_JSON_DEPTH} arrays or objects (`{}` is 1 deep, `[[1]]` 2), before anything
 * recurses through it. Walks with its own stack, so no depth overflows it; each object is
 * visited once.
 */
export function assertJsonDepth(value: unknown): void {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [current, depth] = item;
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new BodyError(
        400,
        "BODY_TOO_DEEP",
        `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels: send the fields as a flatter object.`,
      );
    }
    seen.add(current);
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
}
