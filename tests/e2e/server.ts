// Starts the real backend (the debug build from `cargo test`) on a free port
// of 127.0.0.1 with a freshly seeded database in a temporary directory;
// `stop` ends it by its process id and removes the directory.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface Server {
  url: string;
  stop: () => void;
}

export async function startServer(extraArgs: string[] = []): Promise<Server> {
  const root = resolve(__dirname, "../..");
  const dir = mkdtempSync(join(tmpdir(), "claimdesk-e2e-"));
  const server = spawn(
    join(root, "target/debug/claimdesk-server"),
    [
      "--addr", "127.0.0.1:0",
      "--database-url", `sqlite://${dir}/e2e.db`,
      "--static-dir", join(root, "dist"),
      "--seed-demo",
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the server did not start within 60 s")), 60_000);
    let seen = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    server.on("exit", (code) => fail(new Error(`the server exited with ${code} before listening`)));
  });
  return {
    url,
    stop: () => {
      if (server.pid !== undefined) process.kill(server.pid, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
