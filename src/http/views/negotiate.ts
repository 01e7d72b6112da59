/** One media range of an Accept header, e.g. `application/json;q=0.9`. */
interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.slice(0, 4096).split(",")) {
    const [mediaType = "", ...params] = part.split(";");
    const [type, subtype] = mediaType.trim().toLowerCase().split("/");
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((text) => text.trim());
      if (key?.toLowerCase() === "q" && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The q of the most specific range matching `type/subtype` (2 exact, 1 `type/*`, 0 `* /*`). */
function quality(ranges: readonly MediaRange[], type: string, subtype: string) {
  let best = { q: 0, specificity: -1 };
  for (const range of ranges) {
    const specificity =
      range.type === type &&
      (range.subtype === subtype || (subtype === "json" && range.subtype.endsWith("+json")))
        ? 2
        : range.type === type && range.subtype === "*"
          ? 1
          : range.type === "*" && range.subtype === "*"
            ? 0
            : -1;
    if (specificity > best.specificity) best = { q: range.q, specificity };
  }
  return best;
}

/**
 * True when an `Accept` header prefers JSON to HTML: `application/json` (or a `+json` type)
 * has a higher quality than `text/html`, or the same quality but named more specifically
 * (`application/json, text/plain, *\/*`, as axios sends, is JSON; a browser's
 * `text/html,...,*\/*;q=0.8` is HTML; a missing header is HTML).
 */
export function prefersJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const json = quality(ranges, "application", "json");
  const html = quality(ranges, "text", "html");
  if (json.q <= 0) return false;
  return json.q > html.q || (json.q === html.q && json.specificity > html.specificity);
}

/**
 * True for a JSON `Content-Type`: `application/json` or `application/<something>+json`,
 * with or without parameters.
 */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** True when a view should answer in JSON: the client prefers JSON or sent a JSON body. */
export function wantsJson(request: { readonly headers: Pick<Headers, "get"> }): boolean {
  return (
    prefersJson(request.headers.get("accept")) ||
    isJsonContentType(request.headers.get("content-type"))
  );
}
