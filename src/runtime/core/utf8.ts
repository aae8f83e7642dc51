/**
 * Where UTF-8 goes wrong. TextDecoder's `fatal` mode says only *that* bytes
 * are ill-formed; diagnostics need *where*, so after a failed decode this
 * validator finds the offset (like Rust's `Utf8Error::valid_up_to`): the
 * first byte of the first ill-formed sequence.
 */

/** Offset of the first byte of the first ill-formed sequence, or -1 if `bytes` is valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    // Bounds of the second byte narrow for some leads (no overlongs, no surrogates, max U+10FFFF).
    let count: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) count = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      count = 2;
      if (lead === 0xe0) lo = 0xa0;
      else if (lead === 0xed) hi = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      count = 3;
      if (lead === 0xf0) lo = 0x90;
      else if (lead === 0xf4) hi = 0x8f;
    } else return i;
    // A sequence cut off by the end of the bytes is ill-formed at its lead byte.
    if (i + count >= n) return i;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= count; k++) {
      const b = bytes[i + k] as number;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += count + 1;
  }
  return -1;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes well-formed UTF-8; returns null (instead of throwing) when the bytes are ill-formed. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}
