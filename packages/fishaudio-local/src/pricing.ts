/**
 * Prices, in credits (1 credit = 1 US dollar on the cloud). Balances are kept as integers in
 * micro-credits so that charges never accumulate rounding error.
 *
 * - Text to speech: 15 credits per million UTF-8 bytes of input text (the cloud's list price),
 *   i.e. 15 micro-credits per byte.
 * - Speech to text: 0.36 credits per hour of audio, i.e. 100 micro-credits per second, charged
 *   per started tenth of a second.
 * - Voice design: 0.01 credits per successful request (the cloud's list price).
 */
export const MICRO = 1_000_000;
export const TTS_MICRO_PER_BYTE = 15;
export const ASR_MICRO_PER_SECOND = 100;

/** The cost of synthesising `text`, in micro-credits. */
export function ttsCost(text: string): number {
  return Buffer.byteLength(text, "utf8") * TTS_MICRO_PER_BYTE;
}

/** The cost of transcribing `seconds` of audio, in micro-credits. */
export function asrCost(seconds: number): number {
  return Math.ceil(Math.max(0, seconds) * 10) * (ASR_MICRO_PER_SECOND / 10);
}

/**
 * Formats micro-credits as the decimal string the wallet endpoint returns ("12.50", "0.000015").
 * @example formatCredits(12_500_000) // "12.50"
 */
export function formatCredits(micro: number): string {
  const negative = micro < 0;
  const abs = Math.abs(Math.trunc(micro));
  const whole = Math.floor(abs / MICRO);
  let frac = String(abs % MICRO)
    .padStart(6, "0")
    .replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/**
 * Parses a credit amount (number or decimal string) into micro-credits.
 * @example parseCredits("12.5") // 12_500_000
 */
export function parseCredits(value: number | string): number {
  const text = typeof value === "number" ? value.toFixed(6) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d{0,6})\d*)?$/.exec(text);
  if (!match) throw new TypeError(`Not a credit amount: ${String(value)}`);
  const micro = Number(match[2]) * MICRO + Number((match[3] ?? "").padEnd(6, "0"));
  return match[1] ? -micro : micro;
}

/** Voice design: 0.01 credits per successful request, however many candidates it returns. */
export const VOICE_DESIGN_MICRO = 10_000;
