// A spec that changes much of the demo data, or moves the server's clock,
// gets a freshly seeded server of its own (one per worker), so the other
// specs never see its changes.
import { test as base } from "./fixtures";
import { startServer, Server } from "./server";

export function testWithOwnServer(args: string[] = []) {
  return base.extend<{}, { ownServer: Server }>({
    ownServer: [
      async ({}, use) => {
        const server = await startServer(args);
        await use(server);
        server.stop();
      },
      { scope: "worker" },
    ],
    baseURL: async ({ ownServer }, use) => use(ownServer.url),
  });
}
