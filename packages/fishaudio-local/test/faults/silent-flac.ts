/**
 * A FLAC file of silence of any length, built by hand (no encoder needed): one CONSTANT subframe
 * per block, so 30 minutes take ~90 KB. Issue 17 item 3: such a file decodes to gigabytes.
 */

function crc8(bytes: number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** FLAC's UTF-8-like coding of a frame number. */
function codedNumber(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  if (n < 0x10000) return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
  return [0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

/**
 * Mono 16-bit FLAC of `seconds` of silence at `sampleRate`. `declaredSeconds` sets STREAMINFO's
 * total sample count (a liar says less than there is; 0 means "unknown").
 * @example const flac = silentFlac(1800); // 30 minutes, ~90 KB
 */
export function silentFlac(
  seconds: number,
  sampleRate = 16_000,
  declaredSeconds = seconds,
): Buffer {
  const block = 4096;
  const total = Math.round(seconds * sampleRate);
  const declared = Math.round(declaredSeconds * sampleRate);
  const info = Buffer.alloc(34);
  info.writeUInt16BE(block, 0);
  info.writeUInt16BE(block, 2);
  // min/max frame size unknown (0); then 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits total.
  const packed = (BigInt(sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(declared);
  info.writeBigUInt64BE(packed, 10);
  const head = Buffer.concat([Buffer.from("fLaC"), Buffer.from([0x80, 0, 0, 34]), info]);
  const frames: Buffer[] = [];
  const frameCount = Math.ceil(total / block);
  for (let n = 0; n < frameCount; n++) {
    const size = Math.min(block, total - n * block);
    // Block size: 4096 by code (12), else the 16-bit "size - 1" after the frame number (7).
    // The sample rate is repeated in Hz at the end of each header (code 13): decoders fed bare
    // frames never see STREAMINFO.
    const header = [0xff, 0xf8, size === block ? 0xcd : 0x7d, 0x08, ...codedNumber(n)];
    if (size !== block) header.push((size - 1) >> 8, (size - 1) & 0xff);
    header.push(sampleRate >> 8, sampleRate & 0xff);
    header.push(crc8(header));
    // CONSTANT subframe (type 0, no wasted bits) holding the sample value 0.
    const frame = [...header, 0x00, 0x00, 0x00];
    const crc = crc16(frame);
    frame.push(crc >> 8, crc & 0xff);
    frames.push(Buffer.from(frame));
  }
  return Buffer.concat([head, ...frames]);
}
