/**
 * A small seeded PRNG (mulberry32) so that every fuzz run can be replayed from its seed: a
 * failing case prints the seed and its index, and the same inputs come out again.
 */
export class Prng {
  #state: number;

  /** @example const rng = new Prng(42); rng.int(10); */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** A short string mixing ASCII, punctuation, control characters and non-BMP text. */
  text(maxLength: number): string {
    const alphabet = [
      "a",
      "Z",
      "0",
      " ",
      ",",
      ".",
      '"',
      "'",
      "\\",
      "/",
      "%",
      "&",
      "=",
      "?",
      "#",
      "\n",
      "\r",
      "\t",
      "\u0000",
      "\u007f",
      "é",
      "ß",
      "中",
      "文",
      "\u202e",
      "😀",
      "\ud800",
      "<",
      ">",
      "{",
      "}",
    ];
    let out = "";
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i++) out += this.pick(alphabet);
    return out;
  }
}

/** The seed for a fuzz run: FUZZ_SEED from the environment (to replay), else a fixed default. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  const parsed = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(parsed) ? parsed : fallback;
}
