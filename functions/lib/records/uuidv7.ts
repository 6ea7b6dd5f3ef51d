/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids and part-file names sort by time.
 * The clock and the random source are parameters to keep this module pure and testable.
 */

export type RandomBytes = (length: number) => Uint8Array;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(nowMs: number, randomBytes: RandomBytes): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs >= 2 ** 48) {
    throw new RangeError(`uuidv7: timestamp must be an integer in [0, 2^48), got ${nowMs}`);
  }
  const rand = randomBytes(10);
  if (rand.length < 10) throw new RangeError('uuidv7: random source returned fewer than 10 bytes');
  const b = new Uint8Array(16);
  // Split the 48-bit time so no bitwise op truncates it to 32 bits.
  const high = Math.floor(nowMs / 2 ** 16);
  const low = nowMs % 2 ** 16;
  b[0] = (high >>> 24) & 0xff;
  b[1] = (high >>> 16) & 0xff;
  b[2] = (high >>> 8) & 0xff;
  b[3] = high & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | (rand[0] & 0x0f);
  b[7] = rand[1];
  b[8] = 0x80 | (rand[2] & 0x3f);
  for (let i = 9; i < 16; i++) b[i] = rand[i - 6];
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

/** The Unix milliseconds encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  const hex = id.replace(/-/g, '').slice(0, 12);
  return Number.parseInt(hex, 16);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidv7(id: string): boolean {
  return UUID_RE.test(id);
}
