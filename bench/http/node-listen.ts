/** node:http plumbing shared by the bench's servers: listen on 127.0.0.1, port, close. */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const HOST = "127.0.0.1";

/** A bench server, up. */
export interface RunningApp {
  readonly port: number;
  close(): Promise<void>;
}

/** A node:http server for `listener` on 127.0.0.1 and a free port. */
export function listenNode(listener: RequestListener): Promise<Server> {
  const server = createServer(listener);
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server)));
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** Closes `server`, its keep-alive connections first. */
export const closeNode = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
