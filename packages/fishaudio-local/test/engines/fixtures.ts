/**
 * Test-only builders for audio containers this package cannot encode itself (FLAC, ALAC-in-M4A,
 * Ogg Vorbis), written from the format specifications, plus small helpers shared by the tests.
 */
import { oggCrc } from "../../src/engines/codecs/ogg.js";

/** Writes bits most-significant first (FLAC, ALAC). */
class MsbWriter {
  private bytes: number[] = [];
  private acc = 0;
  private count = 0;
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }
  align(): void {
    while (this.count !== 0) this.write(0, 1);
  }
  private flushByte(): void {
    this.bytes.push(this.acc & 0xff);
    this.acc = 0;
    this.count = 0;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    this.align();
    return Uint8Array.from(this.bytes);
  }
}

/** Writes bits least-significant first (Vorbis). */
class LsbWriter {
  private bytes: number[] = [];
  private acc = 0;
  private count = 0;
  write(value: number, bits: number): void {
    for (let i = 0; i < bits; i++) {
      this.acc |= (Math.floor(value / 2 ** i) & 1) << this.count;
      if (++this.count === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.count = 0;
      }
    }
  }
  done(): Uint8Array {
    if (this.count) this.bytes.push(this.acc);
    this.acc = 0;
    this.count = 0;
    return Uint8Array.from(this.bytes);
  }
}

function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A 16-bit mono FLAC file with VERBATIM subframes (FLAC format spec: STREAMINFO, frames, CRCs). */
export function flacFile(samples: Int16Array, sampleRate: number): Uint8Array {
  const blockSize = 4096;
  const info = new MsbWriter();
  info.write(blockSize, 16);
  info.write(blockSize, 16);
  info.write(0, 24);
  info.write(0, 24);
  info.write(sampleRate, 20);
  info.write(0, 3); // channels - 1
  info.write(15, 5); // bits per sample - 1
  info.write(Math.floor(samples.length / 2 ** 32), 4);
  info.write(samples.length >>> 0, 32);
  for (let i = 0; i < 4; i++) info.write(0, 32); // MD5 unknown
  const streamInfo = info.done();
  const parts: Uint8Array[] = [
    new TextEncoder().encode("fLaC"),
    Uint8Array.from([0x80, 0, 0, streamInfo.length]),
    streamInfo,
  ];
  for (let frame = 0, start = 0; start < samples.length; frame++, start += blockSize) {
    const block = samples.subarray(start, start + blockSize);
    const header = new MsbWriter();
    header.write(0b11111111111110, 14);
    header.write(0, 1);
    header.write(0, 1); // fixed block size
    header.write(0b0111, 4); // block size - 1 follows as 16 bits
    // Sample rate in Hz at the end of the header: decoders fed bare frames never see STREAMINFO.
    header.write(0b1101, 4);
    header.write(0b0000, 4); // mono
    header.write(0b100, 3); // 16 bits per sample
    header.write(0, 1);
    for (const b of utf8Number(frame)) header.write(b, 8);
    header.write(block.length - 1, 16);
    header.write(sampleRate, 16);
    const headerBytes = header.done();
    const body = new MsbWriter();
    body.write(0, 1);
    body.write(0b000001, 6); // VERBATIM
    body.write(0, 1);
    for (const s of block) body.write(s & 0xffff, 16);
    const frameBytes = concat([headerBytes, Uint8Array.from([crc8(headerBytes)]), body.done()]);
    const crc = crc16(frameBytes);
    parts.push(frameBytes, Uint8Array.from([crc >> 8, crc & 0xff]));
  }
  return concat(parts);
}

function box(type: string, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(body, 8);
  return out;
}

function u(bits: 8 | 16 | 32, ...values: number[]): Uint8Array {
  const out = new Uint8Array((bits / 8) * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (bits === 8) v.setUint8(i, x);
    else if (bits === 16) v.setUint16(i * 2, x);
    else v.setUint32(i * 4, x >>> 0);
  });
  return out;
}

const MATRIX = u(32, 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

/**
 * An .m4a (ISO BMFF, moov after mdat as most encoders write it) holding Apple Lossless with
 * uncompressed ("escape") frames. AAC cannot be encoded offline here; ALAC exercises the same
 * container path with real audio.
 */
export function m4aAlacFile(samples: Int16Array, sampleRate: number): Uint8Array {
  const frameLength = 4096;
  const frames: Uint8Array[] = [];
  for (let start = 0; start < samples.length; start += frameLength) {
    const block = samples.subarray(start, start + frameLength);
    const w = new MsbWriter();
    w.write(0, 3); // ID_SCE
    w.write(0, 4);
    w.write(0, 12);
    const partial = block.length < frameLength ? 1 : 0;
    w.write((partial << 3) | 1, 4); // partial-frame flag, no shift, escape (uncompressed)
    if (partial) w.write(block.length, 32);
    for (const s of block) w.write(s & 0xffff, 16);
    w.write(7, 3); // ID_END
    frames.push(w.done());
  }
  const cookie = concat([
    u(32, frameLength),
    u(8, 0, 16, 40, 10, 14, 1),
    u(16, 255),
    u(32, Math.max(...frames.map((f) => f.length)), sampleRate * 16, sampleRate),
  ]);
  const last = samples.length - (frames.length - 1) * frameLength;
  const stts =
    last === frameLength
      ? u(32, 0, 1, frames.length, frameLength)
      : u(32, 0, 2, frames.length - 1, frameLength, 1, last);
  const ftyp = box(
    "ftyp",
    new TextEncoder().encode("M4A "),
    u(32, 0),
    new TextEncoder().encode("M4A mp42isom"),
  );
  const mdat = box("mdat", ...frames);
  const dataOffset = ftyp.length + 8;
  const entry = box(
    "alac",
    u(8, 0, 0, 0, 0, 0, 0),
    u(16, 1, 0, 0),
    u(32, 0),
    u(16, 1, 16, 0, 0),
    u(32, sampleRate * 65536),
    box("alac", u(32, 0), cookie),
  );
  const stbl = box(
    "stbl",
    box("stsd", u(32, 0, 1), entry),
    box("stts", stts),
    box("stsc", u(32, 0, 1, 1, frames.length, 1)),
    box("stsz", u(32, 0, 0, frames.length, ...frames.map((f) => f.length))),
    box("stco", u(32, 0, 1, dataOffset)),
  );
  const duration = samples.length;
  const moov = box(
    "moov",
    box(
      "mvhd",
      u(32, 0, 0, 0, sampleRate, duration, 0x10000),
      u(16, 0x100, 0),
      u(32, 0, 0),
      MATRIX,
      u(32, 0, 0, 0, 0, 0, 0, 2),
    ),
    box(
      "trak",
      box("tkhd", u(32, 7, 0, 0, 1, 0, duration, 0, 0), u(16, 0, 0, 0x100, 0), MATRIX, u(32, 0, 0)),
      box(
        "mdia",
        box("mdhd", u(32, 0, 0, 0, sampleRate, duration), u(16, 0x55c4, 0)),
        box("hdlr", u(32, 0, 0), new TextEncoder().encode("soun"), u(32, 0, 0, 0), u(8, 0)),
        box(
          "minf",
          box("smhd", u(32, 0, 0)),
          box("dinf", box("dref", u(32, 0, 1), box("url ", u(32, 1)))),
          stbl,
        ),
      ),
    ),
  );
  return concat([ftyp, mdat, moov]);
}

function oggPage(
  serial: number,
  sequence: number,
  packets: Uint8Array[],
  granule: number,
  flags: number,
): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  const body = concat(packets);
  const page = new Uint8Array(27 + lacing.length + body.length);
  const v = new DataView(page.buffer);
  page.set(new TextEncoder().encode("OggS"), 0);
  page[5] = flags;
  v.setBigUint64(6, BigInt(granule), true);
  v.setUint32(14, serial, true);
  v.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  page.set(body, 27 + lacing.length);
  v.setUint32(22, oggCrc(page), true);
  return page;
}

/**
 * A valid Ogg Vorbis stream of `blocks` silent long blocks (Vorbis I spec: identification,
 * comment and setup headers with one codebook, floor 1, residue 0, one mapping and one mode;
 * every audio packet marks its channel unused, which decodes to silence). No Vorbis encoder is
 * installed, so only the container and header path can be exercised with real decoding.
 */
export function oggVorbisSilence(sampleRate: number, blocks: number): Uint8Array {
  const ident = new LsbWriter();
  for (const c of [1, ..."vorbis"].map((x) => (typeof x === "number" ? x : x.charCodeAt(0))))
    ident.write(c, 8);
  ident.write(0, 32); // version
  ident.write(1, 8); // channels
  ident.write(sampleRate, 32);
  ident.write(0, 32);
  ident.write(64000, 32);
  ident.write(0, 32);
  // Equal block sizes (allowed: blocksize_0 <= blocksize_1) keep every packet's length the same,
  // whichever mode a parser infers when it reads the setup header backwards.
  ident.write(11, 4); // blocksize_0 = 2048
  ident.write(11, 4); // blocksize_1 = 2048
  ident.write(1, 1); // framing
  const comment = new LsbWriter();
  for (const c of [3, ..."vorbis"].map((x) => (typeof x === "number" ? x : x.charCodeAt(0))))
    comment.write(c, 8);
  comment.write(4, 32);
  for (const c of "test") comment.write(c.charCodeAt(0), 8);
  comment.write(0, 32);
  comment.write(1, 1);
  const setup = new LsbWriter();
  for (const c of [5, ..."vorbis"].map((x) => (typeof x === "number" ? x : x.charCodeAt(0))))
    setup.write(c, 8);
  setup.write(0, 8); // codebook count - 1
  setup.write(0x564342, 24); // sync "BCV"
  setup.write(1, 16); // dimensions
  setup.write(2, 24); // entries
  setup.write(0, 1); // not ordered
  setup.write(0, 1); // not sparse
  setup.write(0, 5); // length 1
  setup.write(0, 5); // length 1
  setup.write(0, 4); // lookup type 0
  setup.write(0, 6); // time count - 1
  setup.write(0, 16);
  setup.write(0, 6); // floor count - 1
  setup.write(1, 16); // floor type 1
  setup.write(0, 5); // no partitions
  setup.write(0, 2); // multiplier - 1
  setup.write(7, 4); // rangebits
  setup.write(0, 6); // residue count - 1
  setup.write(0, 16); // residue type 0
  setup.write(0, 24); // begin
  setup.write(0, 24); // end
  setup.write(0, 24); // partition size - 1
  setup.write(0, 6); // classifications - 1
  setup.write(0, 8); // classbook
  setup.write(0, 3); // cascade low bits
  setup.write(0, 1); // no high bits
  setup.write(0, 6); // mapping count - 1
  setup.write(0, 16); // mapping type 0
  setup.write(0, 1); // one submap
  setup.write(0, 1); // no coupling
  setup.write(0, 2); // reserved
  setup.write(0, 8); // time config
  setup.write(0, 8); // floor 0
  setup.write(0, 8); // residue 0
  setup.write(0, 6); // mode count - 1
  setup.write(0, 1); // blockflag 0 (short block, 2048 here)
  setup.write(0, 16);
  setup.write(0, 16);
  setup.write(0, 8); // mapping 0
  setup.write(1, 1); // framing
  const serial = 0x5eed;
  const pages = [
    oggPage(serial, 0, [ident.done()], 0, 0x02),
    oggPage(serial, 1, [comment.done(), setup.done()], 0, 0),
  ];
  const packets: Uint8Array[] = [];
  for (let i = 0; i < blocks; i++) {
    const audio = new LsbWriter();
    audio.write(0, 1); // audio packet; one mode, so no mode bits and no window flags
    audio.write(0, 1); // floor 1 "nonzero" = 0: channel unused (silence)
    packets.push(audio.done());
  }
  // The first packet only primes the overlap; each later one yields 1024 samples.
  pages.push(oggPage(serial, 2, packets, (blocks - 1) * 1024, 0x04));
  return concat(pages);
}

/** Word error rate after lower-casing and stripping punctuation. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9' ]+/g, " ")
      .split(/\s+/)
      .filter(Boolean);
  const r = norm(reference);
  const h = norm(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[h.length]! / Math.max(1, r.length);
}

/** Joins PCM chunks (all at one rate). */
export function joinPcm(chunks: { samples: Int16Array; sampleRate: number }[]) {
  const samples = new Int16Array(chunks.reduce((n, c) => n + c.samples.length, 0));
  let offset = 0;
  for (const c of chunks) {
    samples.set(c.samples, offset);
    offset += c.samples.length;
  }
  return { samples, sampleRate: chunks[0]?.sampleRate ?? 16000 };
}

/** Root-mean-square level of Int16 samples. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** A sine tone as Int16 PCM. */
export function tone(
  hz: number,
  seconds: number,
  sampleRate: number,
  amplitude = 10000,
): Int16Array {
  const out = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return out;
}
