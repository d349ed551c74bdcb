import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

  // Regression: the CJS build once named AuthenticationError `_class5` and APIError `_APIError`.
  const names = (load: string) => `
    const report = (sdk, node) => {
      const bad = [];
      for (const [entry, mod] of [["fishaudio", sdk], ["fishaudio/node", node]]) {
        for (const [name, value] of Object.entries(mod)) {
          if (name === "default" || typeof value !== "function") continue;
          if (value.name !== name) bad.push(entry + " " + name + " is named " + value.name);
        }
      }
      const error = new sdk.AuthenticationError(401, {}, "bad key", undefined);
      console.log(JSON.stringify({ bad, count: Object.keys(sdk).length, stack: error.stack.split("\\n")[0] }));
    };
    ${load}
  `;

  for (const [format, load, args] of [
    ["CJS", 'report(require("fishaudio"), require("fishaudio/node"));', ["-e"]],
    [
      "ESM",
      'report(await import("fishaudio"), await import("fishaudio/node"));',
      ["--input-type=module", "-e"],
    ],
  ] as const) {
    it(`keeps every exported class's and function's name in ${format}`, {
      skip: !built && "not built",
    }, () => {
      const out = JSON.parse(runNode([...args, names(load)])) as {
        bad: string[];
        count: number;
        stack: string;
      };
      assert.deepEqual(out.bad, []);
      assert.ok(out.count > 20, `only ${out.count} exports`);
      assert.equal(out.stack, "AuthenticationError: HTTP 401: bad key");
    });
  }

  it("keeps optional chaining in the CJS build (Node 20 has it; no helper calls)", {
    skip: !built && "not built",
  }, () => {
    for (const file of readdirSync(new URL("../dist", import.meta.url))) {
      if (!file.endsWith(".cjs")) continue;
      const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");
      assert.equal(/_optionalChain|_nullishCoalesce|_class\d/.test(code), false, file);
    }
  });
});
