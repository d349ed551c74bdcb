import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The published artefact, as a user's Node resolves it: no source condition, no tsx.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const built = existsSync(new URL("../dist/index.cjs", import.meta.url));

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: packageDir,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", FISH_API_KEY: "" },
  });
}

const probe = (load: string) => `
  const sdk = ${load.replace("$", '"fishaudio"')};
  const node = ${load.replace("$", '"fishaudio/node"')};
  const client = new sdk.FishAudio({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
  const checks = {
    client: typeof client.tts.convert === "function" && typeof client.voices.list === "function",
    errors: new sdk.NotFoundError(404, {}, "x", undefined) instanceof sdk.FishAudioError,
    node: typeof node.save === "function" && typeof node.fromFile === "function",
    helpers: typeof sdk.iterWebsocketAudio === "function",
  };
  console.log(JSON.stringify(checks));
`;

describe("the built package", () => {
  it("has been built (npm test builds before testing)", () => {
    assert.ok(built, "packages/fishaudio/dist is missing: run `npm run build`");
  });

  it("loads with require() in CommonJS", { skip: !built && "not built" }, () => {
    const out = runNode(["-e", probe("require($)")]);
    assert.deepEqual(JSON.parse(out), { client: true, errors: true, node: true, helpers: true });
  });

  it("loads with import() in ESM", { skip: !built && "not built" }, () => {
    const code = `(async () => { ${probe("(await import($))")} })()`;
    const out = runNode(["--input-type=module", "-e", code]);
    assert.deepEqual(JSON.parse(out), { client: true, errors: true, node: true, helpers: true });
  });

  it("without an API key anywhere, says how to set one", { skip: !built && "not built" }, () => {
    const out = runNode([
      "-e",
      'try { new (require("fishaudio").FishAudio)(); } catch (e) { console.log(e.name + ": " + e.message); }',
    ]);
    assert.match(out, /^FishAudioError: .*FISH_API_KEY/);
  });
});
