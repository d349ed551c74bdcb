/**
 * The per-sample loops every mp3 and opus stream runs, as a few dozen bytes of WebAssembly SIMD,
 * four samples per instruction: the polyphase resampler's dot products (16 kHz speech to 44.1 or
 * 48 kHz), and the level step's peak and scale-and-clip. JavaScript has no SIMD and V8 does not
 * vectorise these loops, so this is the cheapest way to the same arithmetic; the module is
 * assembled here from its opcodes (it is small enough to read) rather than shipped as an opaque
 * binary. Where WebAssembly SIMD is missing, callers keep their JavaScript loops.
 *
 * Memory layout: the current polyphase bank (phases × stride floats) at 0, then the call's data.
 * The bank is copied in only when it is not the one already there (banks are shared per rate
 * pair, so concurrent streams at the same rates never copy it again).
 */

import { leb } from "../wasm-leb.js";

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

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
  f32Max: [0x97],
  f32Store: [0x38, 2, 0],
  f32: (x: number) => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)],
  v128Load: [0xfd, 0x00, 0, 0],
  v128Store: [0xfd, 0x0b, 0, 0],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  splat: [0xfd, 0x13],
  lane: (i: number) => [0xfd, 0x1f, i],
  f32x4Abs: [0xfd, ...leb(0xe0)],
  f32x4Add: [0xfd, ...leb(0xe4)],
  f32x4Mul: [0xfd, ...leb(0xe6)],
  f32x4Min: [0xfd, ...leb(0xe8)],
  f32x4Max: [0xfd, ...leb(0xe9)],
};

/** p(ptr, bytes, floor): the largest |x| of the floats at ptr, and floor (bytes: a multiple of 16). */
function peakBody(): number[] {
  const [ptr, bytes, floor, acc, i] = [0, 1, 2, 3, 4];
  // biome-ignore format: one line per source step
  const code = [
    ...op.get(floor), ...op.splat, ...op.set(acc),
    ...op.block,
    ...op.get(bytes), ...op.eqz, ...op.brIf(0),
    ...op.loop,
    ...op.get(acc), ...op.get(ptr), ...op.get(i), ...op.add, ...op.v128Load, ...op.f32x4Abs,
    ...op.f32x4Max, ...op.set(acc),
    ...op.get(i), ...op.i32(16), ...op.add, ...op.tee(i), ...op.get(bytes), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.get(acc), ...op.lane(0), ...op.get(acc), ...op.lane(1), ...op.f32Max,
    ...op.get(acc), ...op.lane(2), ...op.f32Max, ...op.get(acc), ...op.lane(3), ...op.f32Max,
    ...op.end,
  ];
  return [2, 1, V128, 1, I32, ...code];
}

/** s(ptr, bytes, gain): every float at ptr times gain, clipped to [-1, 1], in place. */
function scaleBody(): number[] {
  const [ptr, bytes, gain, g, i, at] = [0, 1, 2, 3, 4, 5];
  // biome-ignore format: one line per source step
  const code = [
    ...op.get(gain), ...op.splat, ...op.set(g),
    ...op.block,
    ...op.get(bytes), ...op.eqz, ...op.brIf(0),
    ...op.loop,
    ...op.get(ptr), ...op.get(i), ...op.add, ...op.tee(at),
    ...op.f32(1), ...op.splat, ...op.f32(-1), ...op.splat,
    ...op.get(at), ...op.v128Load, ...op.get(g), ...op.f32x4Mul,
    ...op.f32x4Max, ...op.f32x4Min, ...op.v128Store,
    ...op.get(i), ...op.i32(16), ...op.add, ...op.tee(i), ...op.get(bytes), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  return [2, 1, V128, 2, I32, ...code];
}

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
  const bodies = [[2, 2, I32, 1, V128, ...code], peakBody(), scaleBody()];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      3,
      ...[0x60, 8, ...new Array<number>(8).fill(I32), 0],
      ...[0x60, 3, I32, I32, F32, 1, F32],
      ...[0x60, 3, I32, I32, F32, 0],
    ]),
    ...section(3, [3, 0, 1, 2]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [
      4,
      ...[...name("m"), 0x02, 0],
      ...[...name("f"), 0x00, 0],
      ...[...name("p"), 0x00, 1],
      ...[...name("s"), 0x00, 2],
    ]),
    ...section(10, [3, ...bodies.flatMap((b) => [...leb(b.length), ...b])]),
  ]);
}

type Run = (...args: [number, number, number, number, number, number, number, number]) => void;

interface Instance {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  run: Run;
  peak: (ptr: number, bytes: number, floor: number) => number;
  scale: (ptr: number, bytes: number, gain: number) => void;
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
    instance = {
      memory: exports.m as Instance["memory"],
      run: exports.f as Run,
      peak: exports.p as Instance["peak"],
      scale: exports.s as Instance["scale"],
      bank: undefined,
    };
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether the SIMD kernel runs here (WebAssembly with SIMD: Node 16.4 and later). */
export function simdKernelsAvailable(): boolean {
  return load() !== null;
}

/** Bytes of memory the module holds (it grows to the largest block and never shrinks). */
export function simdKernelsMemoryBytes(): number {
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

/** Samples per call into the module. */
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
  reserve(k, (outAt + count) * 4);
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

/** Copies `samples[from, to)` in after the bank, zero-padded to whole vectors: where, and bytes. */
function stage(k: Instance, samples: Float32Array, from: number, to: number): [number, number] {
  const at = align16(k.bank?.length ?? 0);
  const floats = align16(to - from);
  reserve(k, (at + floats) * 4);
  const heap = new Float32Array(k.memory.buffer);
  heap.set(samples.subarray(from, to), at);
  heap.fill(0, at + to - from, at + floats);
  return [at, floats * 4];
}

function reserve(k: Instance, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/**
 * The largest |sample| in `samples`, or `floor` if that is larger; undefined where WebAssembly
 * SIMD is not available.
 * @example const peak = peakSimd(block, 8192) ?? peakJs(block, 8192);
 */
export function peakSimd(samples: Float32Array, floor: number): number | undefined {
  const k = load();
  if (!k) return undefined;
  let peak = floor;
  for (let from = 0; from < samples.length; from += BLOCK) {
    const [at, bytes] = stage(k, samples, from, Math.min(samples.length, from + BLOCK));
    peak = k.peak(at * 4, bytes, peak);
  }
  return peak;
}

/**
 * Multiplies `samples` by `gain` and clips them to [-1, 1], in place; false (samples untouched)
 * where WebAssembly SIMD is not available.
 * @example if (!scaleClipSimd(block, 1 / 32768)) scaleClipJs(block, 1 / 32768);
 */
export function scaleClipSimd(samples: Float32Array, gain: number): boolean {
  const k = load();
  if (!k) return false;
  for (let from = 0; from < samples.length; from += BLOCK) {
    const to = Math.min(samples.length, from + BLOCK);
    const [at, bytes] = stage(k, samples, from, to);
    k.scale(at * 4, bytes, gain);
    samples.set(new Float32Array(k.memory.buffer, at * 4, to - from), from);
  }
  return true;
}

/** Rounds a float index up to a 16-byte boundary. */
function align16(floats: number): number {
  return Math.ceil(floats / 4) * 4;
}
