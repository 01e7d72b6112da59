/**
 * Requests over raw node:http and raw TCP, for what fetch cannot do: set `Host`, send an
 * absolute-form target, or hang up in the middle of a body.
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";

/** What {@link rawRequest} read back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly setCookies: string[];
  readonly body: string;
}

/**
 * A request through node:http, which (unlike fetch) lets a test set `Host`. A browser's
 * User-Agent unless `headers` names one.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { "user-agent": BROWSER_USER_AGENT, ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookies: res.headers["set-cookie"] ?? [],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Writes `head` (request line and headers, CRLF-separated, without the final blank line) to
 * the port as raw bytes and reads the whole answer (the request says `Connection: close`).
 */
export function rawHttp(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error("no answer within 10 s"));
    });
  });
}

/**
 * Sends a POST's head (declaring a 4,000-byte body) and `partial` of the body, then hangs up
 * (a closed tab, an aborted upload); resolves once the socket closed.
 */
export function hangUp(
  port: number,
  path: string,
  contentType: string,
  partial: string,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          `User-Agent: ${BROWSER_USER_AGENT}`,
          `Origin: http://127.0.0.1:${port}`,
          `Content-Type: ${contentType}`,
          "Content-Length: 4000",
          "",
          partial,
        ].join("\r\n"),
      );
      setTimeout(() => socket.destroy(), 25);
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve());
  });
}
