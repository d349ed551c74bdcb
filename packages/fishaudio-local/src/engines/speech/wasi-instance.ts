/**
 * One WASI program instance used for many runs. Every run starts from the memory and stack
 * pointer a new instance has, so each sees a fresh program, byte for byte, and what is saved is
 * instantiating flite's 17 MB of data (~17 ms of CPU) and the gc() that frees the last instance's
 * memory (~7 ms), about 40 % of a short sentence. Only the writable part of the initial memory is
 * copied back (~80 KB for flite): the segment the linker calls `.rodata` is the program's
 * constants, which a C program never writes (natively they sit in read-only pages).
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { WASI } from "node:wasi";
import { leb, readLeb } from "../wasm-leb.js";

/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<WasmInstance>;
  Module: { imports(module: object): { module: string; name: string }[] };
}
interface WasmInstance {
  exports: {
    memory: { buffer: ArrayBuffer };
    [name: string]: unknown;
  };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The export name given to the program's stack pointer, which a WASI build keeps private. */
const STACK_POINTER_EXPORT = "__fishaudio_stack_pointer";
/** Past this much linear memory, the next run gets a new instance instead of the grown one. */
const MAX_REUSED_MEMORY = 96 * 1024 * 1024;

/** A compiled WASI program, ready to run many times. */
export interface WasiProgram {
  /** Runs the program once under `wasi` (args, stdout, preopens); resolves to its exit code. */
  run(wasi: WASI): Promise<number>;
  /** How many instances the runs so far have taken (diagnostics and tests). */
  readonly instances: number;
}

/** Free bytes read in ahead of the module, where its rewritten head goes (no second copy). */
const HEADROOM = 64;

/**
 * Compiles the WASI command module in `file` so that its runs can share one instance. `gc` frees
 * a dropped instance's memory at once (engines guide §1b: many instances without it crash).
 * @example const program = await compileWasiProgram("flite.wasm", gc); const code = await program.run(new WASI({ version: "preview1", args, returnOnExit: true }));
 */
export async function compileWasiProgram(file: string, gc?: () => void): Promise<WasiProgram> {
  const size = statSync(file).size;
  const padded = new Uint8Array(HEADROOM + size);
  const fd = openSync(file, "r");
  try {
    for (let done = 0; done < size; ) {
      const read = readSync(fd, padded, HEADROOM + done, size - done, done);
      if (read === 0) throw new Error(`${file} ended early`);
      done += read;
    }
  } finally {
    closeSync(fd);
  }
  const reusable = prepareForReuse(padded, HEADROOM);
  const module = await WebAssembly.compile(reusable?.bytes ?? padded.subarray(HEADROOM));
  return new ReusedInstance(module, reusable?.layout, gc);
}

/** What a rewritten module needs for its instance to be reused. */
interface ReuseLayout {
  /** The read-only data (`.rodata`), left out of the copy a run starts from. */
  readOnly?: { start: number; end: number };
}

class ReusedInstance implements WasiProgram {
  /** The WASI of the run in progress: imports are bound once, at instantiation, so they forward. */
  private current: WASI | undefined;
  private readonly imports: Record<string, Record<string, (...args: unknown[]) => unknown>>;
  private instance: WasmInstance | undefined;
  private image: Image | undefined;
  instances = 0;

  constructor(
    private readonly module: object,
    private readonly layout: ReuseLayout | undefined,
    private readonly gc: (() => void) | undefined,
  ) {
    this.imports = {};
    for (const { module: from, name } of WebAssembly.Module.imports(module)) {
      this.imports[from] ??= {};
      this.imports[from][name] = (...args: unknown[]) => {
        if (!this.current) throw new Error(`${from}.${name} called outside a run`);
        const table = this.current.wasiImport as Record<string, (...a: unknown[]) => unknown>;
        return table[name]!(...args);
      };
    }
  }

  async run(wasi: WASI): Promise<number> {
    const instance = await this.take();
    this.current = wasi;
    try {
      return wasi.start(instance as unknown as object);
    } catch (err) {
      // A trap leaves the program mid-flight; the next run restores everything anyway, but a
      // program that trapped once is not worth trusting with the next.
      this.drop();
      throw err;
    } finally {
      this.current = undefined;
    }
  }

  /** An instance in its initial state. */
  private async take(): Promise<WasmInstance> {
    const instance = this.instance;
    if (instance && this.image && instance.exports.memory.buffer.byteLength <= MAX_REUSED_MEMORY) {
      const memory = new Uint8Array(instance.exports.memory.buffer);
      for (const [offset, bytes] of this.image.parts) memory.set(bytes, offset);
      (instance.exports[STACK_POINTER_EXPORT] as { value: number }).value = this.image.stackPointer;
      return instance;
    }
    if (instance) this.drop();
    const fresh = await WebAssembly.instantiate(this.module, this.imports);
    this.instances++;
    if (this.layout && !this.image) this.image = imageOf(fresh, this.layout);
    this.instance = fresh;
    return fresh;
  }

  private drop(): void {
    this.instance = undefined;
    this.gc?.();
  }
}

/** The writable parts of a new instance's memory (offset, bytes), and its stack pointer. */
interface Image {
  parts: [number, Uint8Array][];
  stackPointer: number;
}

function imageOf(instance: WasmInstance, layout: ReuseLayout): Image {
  const memory = new Uint8Array(instance.exports.memory.buffer);
  const { start, end } = layout.readOnly ?? { start: memory.length, end: memory.length };
  return {
    parts: [
      [0, memory.slice(0, start)],
      [end, memory.slice(end)],
    ],
    stackPointer: (instance.exports[STACK_POINTER_EXPORT] as { value: number }).value,
  };
}

/**
 * The module that starts at `start` in `padded`, with the global its name section calls
 * `__stack_pointer` exported, rewritten in place: its head moves into the free bytes before
 * `start`, so a 21 MB module is not copied. Also says where its `.rodata` segment lies. Undefined
 * when the module names no stack pointer (its runs then each take a new instance).
 * @example const reusable = prepareForReuse(padded, 64); if (reusable) compile(reusable.bytes);
 */
export function prepareForReuse(
  padded: Uint8Array,
  start: number,
): { bytes: Uint8Array; layout: ReuseLayout } | undefined {
  const bytes = padded.subarray(start);
  const sections = readSections(bytes);
  const names = sections.find((s) => s.id === 0 && customName(s.body) === "name");
  const exportsSection = sections.find((s) => s.id === 7);
  if (!names || !exportsSection) return undefined;
  const index = nameIndex(names.body, GLOBAL_NAMES, "__stack_pointer");
  if (index === undefined) return undefined;

  const [count, afterCount] = readLeb(exportsSection.body, 0);
  const name = new TextEncoder().encode(STACK_POINTER_EXPORT);
  const entry = [...leb(name.length), ...name, 0x03 /* global */, ...leb(index)];
  const body = Buffer.concat([
    Uint8Array.from(leb(count + 1)),
    exportsSection.body.subarray(afterCount),
    Uint8Array.from(entry),
  ]);
  const head = Buffer.concat([
    bytes.subarray(0, exportsSection.start),
    Uint8Array.from([7, ...leb(body.length)]),
    body,
  ]);
  const moved = start + exportsSection.end - head.length;
  if (moved < 0) return undefined;

  const data = sections.find((s) => s.id === 11);
  const rodata = nameIndex(names.body, DATA_SEGMENT_NAMES, ".rodata");
  const readOnly = data && rodata !== undefined ? activeSegment(data.body, rodata) : undefined;
  padded.set(head, moved);
  return { bytes: padded.subarray(moved), layout: readOnly ? { readOnly } : {} };
}

/** Name-section subsections (extended name section). */
const GLOBAL_NAMES = 7;
const DATA_SEGMENT_NAMES = 9;

/**
 * Where data segment `wanted` is copied into memory, when it is an active segment of memory 0 at
 * a constant offset.
 */
function activeSegment(
  body: Uint8Array,
  wanted: number,
): { start: number; end: number } | undefined {
  let [count, at] = readLeb(body, 0);
  for (let i = 0; i < count; i++) {
    const [flags, afterFlags] = readLeb(body, at);
    if (flags !== 0) return undefined; // passive or other memory: layout not worth decoding
    if (body[afterFlags] !== 0x41 /* i32.const */) return undefined;
    const [offset, afterOffset] = readLeb(body, afterFlags + 1);
    if (body[afterOffset] !== 0x0b /* end */) return undefined;
    const [size, contents] = readLeb(body, afterOffset + 1);
    if (i === wanted) return { start: offset, end: offset + size };
    at = contents + size;
  }
  return undefined;
}

interface Section {
  id: number;
  /** Offsets of the whole section (id and size included) in the module. */
  start: number;
  end: number;
  body: Uint8Array;
}

function readSections(bytes: Uint8Array): Section[] {
  const sections: Section[] = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++]!;
    const [size, bodyStart] = readLeb(bytes, at);
    at = bodyStart + size;
    sections.push({ id, start, end: at, body: bytes.subarray(bodyStart, at) });
  }
  return sections;
}

function customName(body: Uint8Array): string {
  const [length, at] = readLeb(body, 0);
  return new TextDecoder().decode(body.subarray(at, at + length));
}

/** The index of the thing called `wanted` in a name section's subsection `kind`. */
function nameIndex(body: Uint8Array, kind: number, wanted: string): number | undefined {
  const [nameLength, afterName] = readLeb(body, 0);
  let at = afterName + nameLength;
  while (at < body.length) {
    const subsection = body[at++]!;
    const [size, start] = readLeb(body, at);
    at = start + size;
    if (subsection !== kind) continue;
    let [count, cursor] = readLeb(body, start);
    while (count-- > 0) {
      const [index, afterIndex] = readLeb(body, cursor);
      const [length, text] = readLeb(body, afterIndex);
      cursor = text + length;
      if (new TextDecoder().decode(body.subarray(text, cursor)) === wanted) return index;
    }
  }
  return undefined;
}
