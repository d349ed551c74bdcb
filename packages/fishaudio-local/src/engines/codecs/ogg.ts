/**
 * A minimal Ogg muxer for one Opus stream (RFC 3533 pages, RFC 7845 headers): OpusHead and
 * OpusTags on their own pages, audio pages with granule positions in 48 kHz samples, EOS on the
 * last page, CRC-32 with polynomial 0x04C11DB7 (unreflected, zero initial value).
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/**
 * The Ogg page checksum of `bytes` (with the checksum field zeroed).
 * @example
 * oggCrc(new TextEncoder().encode("OggS")); // number
 */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  }
  return crc;
}

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
/** Lacing values per page (the header's segment count is one byte). */
const MAX_SEGMENTS = 255;

/**
 * Builds Ogg pages for one logical stream.
 * @example
 * const ogg = new OggWriter(serial);
 * const bytes = ogg.page([packet], 960n, { eos: true });
 */
export class OggWriter {
  private sequence = 0;
  private readonly serial: number;

  constructor(serial: number) {
    this.serial = serial >>> 0;
  }

  /** One page holding whole packets (the caller keeps them under 255 lacing values). */
  page(packets: Uint8Array[], granule: bigint, flags: { bos?: boolean; eos?: boolean } = {}) {
    const lacing: number[] = [];
    for (const p of packets) {
      let n = p.length;
      while (n >= 255) {
        lacing.push(255);
        n -= 255;
      }
      lacing.push(n);
    }
    if (lacing.length > MAX_SEGMENTS) throw new RangeError("Too many packets for one Ogg page.");
    const bodyLength = packets.reduce((sum, p) => sum + p.length, 0);
    const page = new Uint8Array(27 + lacing.length + bodyLength);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53], 0); // OggS
    page[4] = 0; // version
    page[5] = (flags.bos ? FLAG_BOS : 0) | (flags.eos ? FLAG_EOS : 0);
    view.setBigUint64(6, granule, true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    page[26] = lacing.length;
    page.set(lacing, 27);
    let offset = 27 + lacing.length;
    for (const p of packets) {
      page.set(p, offset);
      offset += p.length;
    }
    view.setUint32(22, oggCrc(page), true);
    return page;
  }

  /** How many lacing values a packet needs. */
  static segments(packet: Uint8Array): number {
    return Math.floor(packet.length / 255) + 1;
  }
}

/**
 * The OpusHead identification header (RFC 7845 §5.1) for mono.
 * @example
 * opusHead(312, 48000);
 */
export function opusHead(preSkip: number, inputSampleRate: number): Uint8Array {
  const b = new Uint8Array(19);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode("OpusHead"), 0);
  b[8] = 1; // version
  b[9] = 1; // channels
  v.setUint16(10, preSkip, true);
  v.setUint32(12, inputSampleRate, true);
  v.setInt16(16, 0, true); // output gain
  b[18] = 0; // channel mapping family
  return b;
}

/**
 * The OpusTags comment header (RFC 7845 §5.2) with a vendor string and no comments.
 * @example
 * opusTags("fishaudio-local");
 */
export function opusTags(vendor: string): Uint8Array {
  const vendorBytes = new TextEncoder().encode(vendor);
  const b = new Uint8Array(8 + 4 + vendorBytes.length + 4);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode("OpusTags"), 0);
  v.setUint32(8, vendorBytes.length, true);
  b.set(vendorBytes, 12);
  v.setUint32(12 + vendorBytes.length, 0, true);
  return b;
}
