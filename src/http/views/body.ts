import { BodyError } from "../../shared/errors.ts";
import { assertJsonDepth } from "../body-depth.ts";
import { isJsonContentType } from "./negotiate.ts";

export { BodyError } from "../../shared/errors.ts";

/**
 * The largest request body the views read: 64 KiB is far more than any account form needs.
 * @default 65536
 */
export const MAX_BODY_BYTES = 65_536;

/** A submitted body: its kind, and its fields as a plain object. */
export interface RequestBody {
  /** `"json"` for `application/json` bodies, `"form"` for urlencoded or multipart ones. */
  readonly kind: "json" | "form";
  /**
   * The fields: a JSON object as parsed, or a form's fields (the first value of each name;
   * files as `File`). Plain objects suit every Standard Schema validator (zod, valibot...).
   */
  readonly fields: Readonly<Record<string, unknown>>;
}

const tooLarge = (limit: number) =>
  new BodyError(413, "BODY_TOO_LARGE", `The request body is larger than ${limit} bytes.`);

/** Reads the raw bytes, stopping (413) as soon as more than `limit` arrived. */
async function readBytes(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function firstValues(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of entries) if (!fields.has(name)) fields.set(name, value);
  // Own data properties only, so a field named "__proto__" stays a plain field.
  return Object.fromEntries(fields);
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BodyError(400, "MALFORMED_BODY", `The request body is not valid JSON (${detail}).`);
  }
  assertJsonDepth(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BodyError(
      400,
      "MALFORMED_BODY",
      'The JSON body must be an object of fields, e.g. {"username": "..."}.',
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Reads a POST body of at most `limit` bytes (413 beyond, whatever Content-Length says):
 * JSON (`application/json`, which must hold an object; 400 `MALFORMED_BODY` when malformed,
 * 400 `BODY_TOO_DEEP` when nested deeper than 64 levels), urlencoded or multipart forms. An
 * empty body without a Content-Type is an empty form; any other type is refused with 415.
 * Every refusal is a {@link BodyError}, which every adapter answers with its status.
 *
 * @param limit the most bytes read
 * @default limit 65536 (`MAX_BODY_BYTES`)
 * @example
 * ```ts
 * const { kind, fields } = await readBody(request);
 * ```
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<RequestBody> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const bytes = await readBytes(request, limit);
  const text = () => new TextDecoder().decode(bytes);
  if (isJsonContentType(contentType)) return { kind: "json", fields: parseJson(text()) };
  if (mediaType === "application/x-www-form-urlencoded") {
    return { kind: "form", fields: firstValues(new URLSearchParams(text())) };
  }
  if (mediaType === "multipart/form-data") {
    try {
      const data = await new Response(bytes, {
        headers: { "content-type": contentType },
      }).formData();
      return { kind: "form", fields: firstValues(data) };
    } catch {
      throw new BodyError(400, "MALFORMED_BODY", "The multipart form body could not be parsed.");
    }
  }
  if (mediaType === "" && bytes.byteLength === 0) return { kind: "form", fields: {} };
  throw new BodyError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    "Send the fields as application/x-www-form-urlencoded, multipart/form-data or application/json.",
  );
}
