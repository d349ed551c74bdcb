import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

it("a process that used the client exits on its own, with no timer left behind", async () => {
  const script = fileURLToPath(new URL("./fixtures/exit-cleanly.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=fishaudio-source", "--import", "tsx", script],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  // A leaked 240 s request timer would keep the child alive; the kill is only a backstop.
  const backstop = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(backstop);
  assert.equal(signal, null, "the child had to be killed: something kept it alive");
  assert.equal(code, 0);
  const handles = JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as string[];
  assert.deepEqual(
    handles.filter((h) => h === "Timeout"),
    [],
  );
});
