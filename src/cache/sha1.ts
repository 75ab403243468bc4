/**
 * SHA-1 of a string's UTF-8 bytes, as lowercase hex: the AWS CLI's cache file names.
 *
 * In JavaScript rather than node:crypto because loading node:crypto pulls in the streams and
 * costs ~4 ms, more than everything else `assume` does on a cache hit; a key is a few hundred
 * bytes, hashed in microseconds. SHA-1 only names files here, it protects nothing.
 * test/cache/sha1.test.ts checks it against node:crypto.
 */
const encoder = new TextEncoder();

/** The message padded to a multiple of 64 bytes: 0x80, zeros, then the bit length big-endian. */
function padded(message: Uint8Array): DataView {
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const bytes = new Uint8Array(length);
  bytes.set(message);
  bytes[message.length] = 0x80;
  const view = new DataView(bytes.buffer);
  const bits = message.length * 8;
  view.setUint32(length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(length - 4, bits >>> 0);
  return view;
}

const rotl = (value: number, count: number): number => (value << count) | (value >>> (32 - count));

/** The round function and constant of step t (FIPS 180-4, 4.1.1 and 4.2.1). */
function roundValue(t: number, b: number, c: number, d: number): number {
  if (t < 20) return (((b & c) | (~b & d)) + 0x5a827999) | 0;
  if (t < 40) return ((b ^ c ^ d) + 0x6ed9eba1) | 0;
  if (t < 60) return (((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc) | 0;
  return ((b ^ c ^ d) + 0xca62c1d6) | 0;
}

/** Plain locals, no arrays per step: a cache-hit `assume` hashes once, in V8's interpreter. */
function compress(state: Uint32Array, view: DataView, offset: number, w: Uint32Array): void {
  for (let t = 0; t < 16; t += 1) w[t] = view.getUint32(offset + t * 4);
  for (let t = 16; t < 80; t += 1) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  for (let t = 0; t < 80; t += 1) {
    const next = (rotl(a, 5) + roundValue(t, b, c, d) + e + w[t]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = next;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
}

export function sha1Hex(text: string): string {
  const view = padded(encoder.encode(text));
  const state = Uint32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0);
  const w = new Uint32Array(80);
  for (let offset = 0; offset < view.byteLength; offset += 64) compress(state, view, offset, w);
  return Array.from(state, (word) => word.toString(16).padStart(8, '0')).join('');
}
