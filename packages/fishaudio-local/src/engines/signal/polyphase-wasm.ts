/**
 * The polyphase resampler's inner loop as a few dozen bytes of WebAssembly SIMD: four taps per
 * instruction instead of one, for the filter every mp3 and opus stream runs (16 kHz speech to
 * 44.1 or 48 kHz). JavaScript has no SIMD and V8 does not vectorise a dot product, so this is the
 * cheapest way to the same arithmetic; the module is assembled here from its opcodes (it is small
 * enough to read) rather than shipped as an opaque binary. Where WebAssembly SIMD is missing the
 * caller keeps its JavaScript loop.
 *
 * Memory layout per call: the bank (phases × stride floats) at 0, then the input span, then the
 * outputs. The bank is copied in only when it is not the one already there (banks are shared per
 * rate pair, so concurrent streams at the same rates never copy it again).
 */

const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  tee: (i: number) => [0x22, i],
  i32: (n: number) => [0x41, n], // small non-negative constants only (one-byte signed LEB)
  eqz: [0x45],
  ltU: [0x49],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  f32Add: [0x92],
  f32Store: [0x38, 2, 0],
  v128Load: [0xfd, 0x00, 0, 0],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  lane: (i: number) => [0xfd, 0x1f, i],
  f32x4Add: [0xfd, ...leb(0xe4)],
  f32x4Mul: [0xfd, ...leb(0xe6)],
};

/**
 * f(buf, bank, out, count, rowBytes, phase, phases, step): for each of `count` outputs, the dot
 * product of the input at `buf` with bank row `phase` (rowBytes long, a multiple of 16), stored
 * at `out`; then phase += step, and every wrap past `phases` moves `buf` one input sample on.
 */
function moduleBytes(): Uint8Array {
  const [buf, bank, out, count, rowBytes, phase, phases, step, row, j, acc] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  // biome-ignore format: one line per source step, as the comments read
  const code = [
    ...op.block,
    ...op.get(count), ...op.eqz, ...op.brIf(0),
    ...op.loop,
    // row = bank + phase * rowBytes; acc = 0; j = 0
    ...op.get(bank), ...op.get(phase), ...op.get(rowBytes), ...op.mul, ...op.add, ...op.set(row),
    ...op.v128Zero, ...op.set(acc),
    ...op.i32(0), ...op.set(j),
    ...op.loop,
    ...op.get(acc),
    ...op.get(buf), ...op.get(j), ...op.add, ...op.v128Load,
    ...op.get(row), ...op.get(j), ...op.add, ...op.v128Load,
    ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc),
    ...op.get(j), ...op.i32(16), ...op.add, ...op.tee(j), ...op.get(rowBytes), ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    // *out = sum of the four lanes; out += 4
    ...op.get(out),
    ...op.get(acc), ...op.lane(0), ...op.get(acc), ...op.lane(1), ...op.f32Add,
    ...op.get(acc), ...op.lane(2), ...op.f32Add, ...op.get(acc), ...op.lane(3), ...op.f32Add,
    ...op.f32Store,
    ...op.get(out), ...op.i32(4), ...op.add, ...op.set(out),
    // phase += step; while (phase >= phases) { phase -= phases; buf += 4 }
    ...op.get(phase), ...op.get(step), ...op.add, ...op.set(phase),
    ...op.block,
    ...op.loop,
    ...op.get(phase), ...op.get(phases), ...op.ltU, ...op.brIf(1),
    ...op.get(phase), ...op.get(phases), ...op.sub, ...op.set(phase),
    ...op.get(buf), ...op.i32(4), ...op.add, ...op.set(buf),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // while (--count)
    ...op.get(count), ...op.i32(1), ...op.sub, ...op.tee(count), ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  const body = [2, 2, I32, 1, V128, ...code];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 8, ...new Array<number>(8).fill(I32), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name("m"), 0x02, 0, ...name("f"), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

type Run = (...args: [number, number, number, number, number, number, number, number]) => void;

interface Instance {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  run: Run;
  bank: Float32Array | undefined;
}

/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
const wasm = (
  globalThis as unknown as {
    WebAssembly?: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

let instance: Instance | null | undefined;

function load(): Instance | null {
  if (instance !== undefined) return instance;
  try {
    if (!wasm) throw new Error("no WebAssembly");
    const { exports } = new wasm.Instance(new wasm.Module(moduleBytes()), {});
    instance = { memory: exports.m as Instance["memory"], run: exports.f as Run, bank: undefined };
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether the SIMD kernel runs here (WebAssembly with SIMD: Node 16.4 and later). */
export function polyphaseSimdAvailable(): boolean {
  return load() !== null;
}

/** Bytes of memory the module holds (it grows to the largest block and never shrinks). */
export function polyphaseSimdMemoryBytes(): number {
  return load()?.memory.buffer.byteLength ?? 0;
}

/**
 * Fills `out` with the polyphase filter's outputs: output k is the dot product of `stride`
 * inputs from `input[start + advance(k)]` with bank row `phase(k)`, where phase starts at `phase`
 * and steps by `step` modulo `phases`, each wrap advancing the input by one. `stride` is a
 * multiple of 4 (rows zero-padded); inputs past the end of `input` count as silence. Returns
 * false (and leaves `out` alone) where WebAssembly SIMD is not available.
 * @example polyphaseSimd(bank, 24, buffer, 0, out, 0, 441, 160);
 */
export function polyphaseSimd(
  bank: Float32Array,
  stride: number,
  input: Float32Array,
  start: number,
  out: Float32Array,
  phase: number,
  phases: number,
  step: number,
): boolean {
  const k = load();
  if (!k) return false;
  // In blocks, so a whole file resampled at once does not grow the memory (which never shrinks).
  for (let done = 0; done < out.length; ) {
    const count = Math.min(BLOCK, out.length - done);
    runBlock(k, bank, stride, input, start, out.subarray(done, done + count), phase, phases, step);
    const steps = phase + count * step;
    start += Math.floor(steps / phases);
    phase = steps % phases;
    done += count;
  }
  return true;
}

/** Outputs per call into the module. */
const BLOCK = 16384;

function runBlock(
  k: Instance,
  bank: Float32Array,
  stride: number,
  input: Float32Array,
  start: number,
  out: Float32Array,
  phase: number,
  phases: number,
  step: number,
): void {
  const count = out.length;
  const span = Math.floor((phase + (count - 1) * step) / phases) + stride;
  const inAt = align16(bank.length);
  const outAt = align16(inAt + span);
  const bytes = (outAt + count) * 4;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  const heap = new Float32Array(k.memory.buffer);
  if (k.bank !== bank) {
    heap.set(bank, 0);
    k.bank = bank;
  }
  const available = Math.max(0, Math.min(span, input.length - start));
  heap.set(input.subarray(start, start + available), inAt);
  if (available < span) heap.fill(0, inAt + available, inAt + span);
  k.run(inAt * 4, 0, outAt * 4, count, stride * 4, phase, phases, step);
  out.set(heap.subarray(outAt, outAt + count));
}

/** Rounds a float index up to a 16-byte boundary. */
function align16(floats: number): number {
  return Math.ceil(floats / 4) * 4;
}
