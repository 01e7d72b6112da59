import { createServer } from "node:net";

/** A free TCP port on localhost. */
export function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? found(address.port) : fail(new Error("no port")),
      );
    });
  });
}
