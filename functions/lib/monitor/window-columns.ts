/**
 * Compact per-row columns of a window: ids, labels and text hashes held as bytes and small integers
 * (a JS string costs 24–90 bytes a row), both while rows stream in and in the built MonitorWindow, whose
 * readers take one row's value at a time (`get`) or an aggregate of the column (`distinctCount`).
 */

/** A read-only column of a built window, one value per row. */
export interface RowColumn<T> extends Iterable<T> {
  readonly length: number;
  get(row: number): T;
}

/** The window's ids: distinct, looked up both ways. */
export interface IdColumn extends RowColumn<string> {
  /** The row whose id is `id`, or -1. */
  rowOf(id: string): number;
  /** The ids of `rows` (distinct rows), in that order. */
  pick(rows: ArrayLike<number>): IdColumn;
}

/** The window's predicted labels: a code per row into the distinct labels. */
export interface LabelColumn extends RowColumn<string> {
  /** The distinct labels of the column, in order of first appearance. */
  readonly values: readonly string[];
  /** Index in `values` of the row's label. */
  code(row: number): number;
  pick(rows: ArrayLike<number>): LabelColumn;
}

/** The window's text hashes, null where the record has no text. */
export interface TextHashColumn extends RowColumn<string | null> {
  /** How many distinct values the column holds, null counting as one (what `new Set(column).size` gives). */
  distinctCount(): number;
  pick(rows: ArrayLike<number>): TextHashColumn;
}

/** Rows a column has room for before it first grows (small windows are common: tests, evaluations). */
const INITIAL_ROWS = 64;

type Growable = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** Doubles a typed array's capacity until it holds `needed` elements. */
function grown<T extends Growable>(a: T, needed: number): T {
  if (needed <= a.length) return a;
  let size = Math.max(a.length, 16);
  while (size < needed) size *= 2;
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}

/** Whether to copy `used` elements out of `capacity` rather than keep the spare room (the window keeps it). */
const worthCopying = (used: number, capacity: number) => used < (capacity * 3) / 4;

/** `a` cut to its first `used` elements when over a quarter of it is spare room, else `a` itself. */
function trimmed<T extends Growable>(a: T, used: number): T {
  return worthCopying(used, a.length) ? (a.slice(0, used) as T) : a;
}

/** Exactly the first `used` elements of `a`: a copy when over a quarter of it is spare room, else a view. */
function exact<T extends Growable>(a: T, used: number): T {
  return worthCopying(used, a.length) ? (a.slice(0, used) as T) : (a.subarray(0, used) as T);
}

/** Power-of-two capacity of an open-addressing table at most half full with `n` entries. */
function tableCapacity(n: number): number {
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  return capacity;
}

export class GrowableF64 {
  private data = new Float64Array(INITIAL_ROWS);
  length = 0;
  push(v: number): void {
    this.data = grown(this.data, this.length + 1);
    this.data[this.length++] = v;
  }
  finish(): Float64Array {
    return exact(this.data, this.length);
  }
}

export class GrowableU8 {
  private data = new Uint8Array(INITIAL_ROWS);
  length = 0;
  push(v: number): void {
    this.data = grown(this.data, this.length + 1);
    this.data[this.length++] = v;
  }
  finish(): Uint8Array {
    return exact(this.data, this.length);
  }
}

/** Murmur3's finishing mixer, so the low bits of a hash index a table well. */
function mixed(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** FNV-1a over the UTF-16 code units, mixed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mixed(h);
}

/** Longest run handed to String.fromCharCode at once (its arguments go on the stack). */
const CHARS_PER_CALL = 8192;

function stringOf(bytes: Uint8Array): string {
  if (bytes.length <= CHARS_PER_CALL) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHARS_PER_CALL)
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHARS_PER_CALL) as unknown as number[]);
  return out;
}

/**
 * The distinct strings seen, in order of first sight, each stored as one byte per character when every
 * character is below U+0100 (ids are ASCII: UUIDs, numbers) and as the string itself otherwise.
 * Membership is exact: the hash only picks candidates, which are compared character by character.
 */
export class DistinctStrings implements IdColumn {
  private bytes = new Uint8Array(16 * INITIAL_ROWS);
  private used = 0;
  /** End offset in `bytes` of each string (its start is the previous one's end). */
  private ends = new Uint32Array(INITIAL_ROWS);
  /** Strings with a character of U+0100 or above, by index (they take no bytes). */
  private readonly wide = new Map<number, string>();
  /** Open addressing, linear probing: index + 1 of the string in each slot (0 = empty). */
  private slots = new Int32Array(2 * INITIAL_ROWS);
  size = 0;

  get length(): number {
    return this.size;
  }

  has(s: string): boolean {
    return this.slots[this.probe(s)] !== 0;
  }

  rowOf(s: string): number {
    return this.slots[this.probe(s)] - 1;
  }

  /** Adds `s` unless already present; returns whether it was added. */
  add(s: string): boolean {
    const i = this.probe(s);
    if (this.slots[i] !== 0) return false;
    const index = this.size++;
    this.slots[i] = index + 1;
    this.store(index, s);
    // At most half full: a miss probes ~2.5 slots on average.
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return true;
  }

  /** The string added `index`-th. */
  get(index: number): string {
    const wide = this.wide.get(index);
    if (wide !== undefined) return wide;
    return stringOf(this.bytes.subarray(index === 0 ? 0 : this.ends[index - 1], this.ends[index]));
  }

  pick(rows: ArrayLike<number>): DistinctStrings {
    const out = new DistinctStrings();
    for (let k = 0; k < rows.length; k++) out.add(this.get(rows[k]));
    return out.finish();
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let k = 0; k < this.size; k++) yield this.get(k);
  }

  /** Gives back spare room once every string is in (the column then belongs to a built window). */
  finish(): this {
    this.bytes = trimmed(this.bytes, this.used);
    this.ends = trimmed(this.ends, this.size);
    return this;
  }

  /** The slot holding `s`, or the empty slot where it would go. */
  private probe(s: string): number {
    const mask = this.slots.length - 1;
    let i = hashString(s) & mask;
    for (let slot = this.slots[i]; slot !== 0; slot = this.slots[i]) {
      if (this.equals(slot - 1, s)) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  /** hashString of the string added `index`-th, from its bytes (a narrow string's bytes are its code units). */
  private hashAt(index: number): number {
    const wide = this.wide.get(index);
    if (wide !== undefined) return hashString(wide);
    let h = 0x811c9dc5;
    for (let i = index === 0 ? 0 : this.ends[index - 1]; i < this.ends[index]; i++)
      h = Math.imul(h ^ this.bytes[i], 0x01000193);
    return mixed(h);
  }

  private store(index: number, s: string): void {
    this.ends = grown(this.ends, index + 1);
    let narrow = true;
    for (let i = 0; i < s.length && narrow; i++) narrow = s.charCodeAt(i) < 0x100;
    if (narrow) {
      this.bytes = grown(this.bytes, this.used + s.length);
      for (let i = 0; i < s.length; i++) this.bytes[this.used + i] = s.charCodeAt(i);
      this.used += s.length;
    } else this.wide.set(index, s);
    this.ends[index] = this.used;
  }

  private equals(index: number, s: string): boolean {
    const wide = this.wide.get(index);
    if (wide !== undefined) return wide === s;
    const start = index === 0 ? 0 : this.ends[index - 1];
    if (this.ends[index] - start !== s.length) return false;
    // From the end: ids that differ (sequence numbers, UUIDv7's random tail) mostly differ there.
    for (let i = s.length - 1; i >= 0; i--) if (this.bytes[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  // The hashes are not kept (4 bytes a slot): a rehash computes them again from the bytes.
  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let index = 0; index < this.size; index++) {
      let i = this.hashAt(index) & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = index + 1;
    }
  }
}

/**
 * A string per row from a small vocabulary (labels): a code per row (one byte while there are at most
 * 256 distinct values) plus the distinct values.
 */
export class CodedStrings implements LabelColumn {
  private readonly codeOf = new Map<string, number>();
  private readonly distinct: string[] = [];
  private codes: Uint8Array | Uint16Array | Int32Array = new Uint8Array(INITIAL_ROWS);
  length = 0;

  get values(): readonly string[] {
    return this.distinct;
  }

  push(s: string): void {
    let code = this.codeOf.get(s);
    if (code === undefined) {
      code = this.distinct.length;
      this.distinct.push(s);
      this.codeOf.set(s, code);
      if (code === 0x100 || code === 0x10000) this.widen(code === 0x100 ? Uint16Array : Int32Array);
    }
    this.codes = grown(this.codes, this.length + 1);
    this.codes[this.length++] = code;
  }

  code(row: number): number {
    return this.codes[row];
  }

  get(row: number): string {
    return this.distinct[this.codes[row]];
  }

  pick(rows: ArrayLike<number>): CodedStrings {
    const out = new CodedStrings();
    for (let k = 0; k < rows.length; k++) out.push(this.get(rows[k]));
    return out.finish();
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let row = 0; row < this.length; row++) yield this.get(row);
  }

  finish(): this {
    this.codes = trimmed(this.codes, this.length);
    return this;
  }

  private widen(to: typeof Uint16Array | typeof Int32Array): void {
    const next = new to(this.codes.length);
    next.set(this.codes);
    this.codes = next;
  }
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
// The digits are ASCII, which UTF-8 decodes as themselves (and faster than String.fromCharCode).
const ASCII = new TextDecoder();
const DIGITS = new Uint8Array(64);

/** 0–15 for a lowercase hex digit's char code, -1 otherwise. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const ABSENT = 0;
const PACKED = 1;
const VERBATIM = 2;

/**
 * A SHA-256 hex digest (or null) per row: 32 bytes for the usual lowercase 64-digit form, the string
 * itself for anything else, so the strings given back are exactly those taken. A packed and a verbatim
 * row never hold the same string (only lowercase 64-digit hex is packed), so equal means equal bytes or
 * equal strings.
 */
export class HexDigests implements TextHashColumn {
  private bytes = new Uint8Array(32 * INITIAL_ROWS);
  private state = new Uint8Array(INITIAL_ROWS);
  private readonly verbatim = new Map<number, string>();
  /** distinctCount's answer, -1 until asked (or after a push). */
  private distinct = -1;
  length = 0;

  push(s: string | null): void {
    const row = this.length++;
    this.distinct = -1;
    this.state = grown(this.state, this.length);
    if (s === null) {
      this.state[row] = ABSENT;
      return;
    }
    this.bytes = grown(this.bytes, this.length * 32);
    if (s.length === 64 && this.pack(s, row * 32)) this.state[row] = PACKED;
    else {
      this.state[row] = VERBATIM;
      this.verbatim.set(row, s);
    }
  }

  get(row: number): string | null {
    const state = this.state[row];
    if (state === ABSENT) return null;
    if (state === VERBATIM) return this.verbatim.get(row) as string;
    for (let i = 0; i < 32; i++) {
      const b = this.bytes[row * 32 + i];
      DIGITS[2 * i] = HEX_DIGITS[b >>> 4];
      DIGITS[2 * i + 1] = HEX_DIGITS[b & 15];
    }
    return ASCII.decode(DIGITS);
  }

  /** Counted once, with a table of rows (4–8 bytes a row while it runs) instead of a Set of strings. */
  distinctCount(): number {
    if (this.distinct >= 0) return this.distinct;
    const table = new Int32Array(tableCapacity(this.length));
    const mask = table.length - 1;
    let distinct = 0;
    let anyNull = false;
    for (let row = 0; row < this.length; row++) {
      if (this.state[row] === ABSENT) {
        anyNull = true;
        continue;
      }
      let i = this.hashOf(row) & mask;
      let seen = false;
      for (let other = table[i]; other !== 0 && !seen; other = table[i]) {
        seen = this.same(other - 1, row);
        if (!seen) i = (i + 1) & mask;
      }
      if (!seen) {
        table[i] = row + 1;
        distinct++;
      }
    }
    this.distinct = distinct + (anyNull ? 1 : 0);
    return this.distinct;
  }

  pick(rows: ArrayLike<number>): HexDigests {
    const out = new HexDigests();
    out.state = new Uint8Array(Math.max(rows.length, 1));
    out.bytes = new Uint8Array(Math.max(rows.length, 1) * 32);
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      const state = this.state[row];
      out.state[k] = state;
      if (state === PACKED) out.bytes.set(this.bytes.subarray(row * 32, row * 32 + 32), k * 32);
      else if (state === VERBATIM) out.verbatim.set(k, this.verbatim.get(row) as string);
    }
    out.length = rows.length;
    return out;
  }

  *[Symbol.iterator](): Iterator<string | null> {
    for (let row = 0; row < this.length; row++) yield this.get(row);
  }

  finish(): this {
    this.state = trimmed(this.state, this.length);
    this.bytes = trimmed(this.bytes, this.length * 32);
    return this;
  }

  private hashOf(row: number): number {
    if (this.state[row] === VERBATIM) return hashString(this.verbatim.get(row) as string);
    let h = 0x811c9dc5;
    for (let i = row * 32; i < row * 32 + 32; i++) h = Math.imul(h ^ this.bytes[i], 0x01000193);
    return mixed(h);
  }

  private same(a: number, b: number): boolean {
    if (this.state[a] !== this.state[b]) return false;
    if (this.state[a] === VERBATIM) return this.verbatim.get(a) === this.verbatim.get(b);
    for (let i = 0; i < 32; i++) if (this.bytes[a * 32 + i] !== this.bytes[b * 32 + i]) return false;
    return true;
  }

  private pack(s: string, at: number): boolean {
    for (let i = 0; i < 32; i++) {
      const hi = nibble(s.charCodeAt(2 * i));
      const lo = nibble(s.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) return false;
      this.bytes[at + i] = (hi << 4) | lo;
    }
    return true;
  }
}
