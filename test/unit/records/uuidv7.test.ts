import { describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7, uuidv7Time } from '../../../functions/lib/records/uuidv7.ts';
import { seededRandomBytes } from './make-records.ts';

describe('uuidv7', () => {
  it('sets version 7 and the RFC 9562 variant bits whatever the random bytes are', () => {
    for (const fill of [0x00, 0xff, 0x5a]) {
      const id = uuidv7(1_700_000_000_123, (n) => new Uint8Array(n).fill(fill));
      const hex = id.replace(/-/g, '');
      expect(Number.parseInt(hex[12], 16)).toBe(7);
      expect(Number.parseInt(hex[16], 16) & 0b1100).toBe(0b1000);
      expect(isUuidv7(id)).toBe(true);
    }
  });

  it('encodes the milliseconds in the first 48 bits', () => {
    const t = 0xfedc_ba98_7654;
    const id = uuidv7(t, () => new Uint8Array(10));
    expect(id.slice(0, 13)).toBe('fedcba98-7654');
    expect(uuidv7Time(id)).toBe(t);
  });

  it('sorts in time order as strings (so part-file listings are chronological)', () => {
    const random = seededRandomBytes(7);
    const times = Array.from({ length: 500 }, (_, i) => 1_600_000_000_000 + i * 997 + (i % 3));
    const ids = times.map((t) => uuidv7(t, random));
    const shuffled = [...ids].reverse();
    expect(shuffled.sort()).toEqual(ids);
  });

  it('differs for two ids of the same millisecond with different random bytes', () => {
    const random = seededRandomBytes(1);
    expect(uuidv7(5, random)).not.toBe(uuidv7(5, random));
  });

  it('rejects a timestamp that does not fit 48 bits', () => {
    expect(() => uuidv7(-1, () => new Uint8Array(10))).toThrow(RangeError);
    expect(() => uuidv7(2 ** 48, () => new Uint8Array(10))).toThrow(RangeError);
  });
});
