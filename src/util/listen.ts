// Starts a server listening and waits until it does (or fails to: EADDRINUSE and the like).

import type { Server } from "node:net";

export function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
