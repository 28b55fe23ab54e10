// One server for every spec (specs/response-clock.spec.ts starts its own, so
// that moving its clock cannot disturb the others).
import { startServer } from "./server";

export default async function globalSetup() {
  const server = await startServer();
  // Workers start after global setup and inherit this.
  process.env.CLAIMDESK_URL = server.url;
  return async () => server.stop();
}
