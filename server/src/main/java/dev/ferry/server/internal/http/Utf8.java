package dev.ferry.server.internal.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF, no truncated sequence; NUL bytes are reported too (see {@link PushParser} why).
 * Hand-written rather than a {@code CharsetDecoder} because it decodes nothing and runs over ASCII,
 * most of a push body, eight bytes per comparison: a 320 KB push of 1,000 mutations is checked in
 * well under a tenth of the time its JSON takes to parse.
 */
final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LOW_BITS = 0x0101010101010101L;

  private Utf8() {}

  /**
   * The offset of the first byte that breaks UTF-8 in {@code b} or is NUL, or -1 when {@code b} is
   * UTF-8 without NUL.
   */
  static int firstInvalidOrNul(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      if (i + 8 <= n) {
        long w = (long) LONGS.get(b, i);
        // Eight ASCII bytes (no high bit), none of them zero: the common case, skipped whole.
        if ((w & HIGH_BITS) == 0 && ((w - LOW_BITS) & ~w & HIGH_BITS) == 0) {
          i += 8;
          continue;
        }
      }
      int c = b[i];
      if (c > 0) {
        i++;
        continue;
      }
      if (c == 0) {
        return i;
      }
      c &= 0xff;
      int len;
      int min;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
        min = c == 0xe0 ? 0xa0 : 0x80;
        max = c == 0xed ? 0x9f : 0xbf;
      } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
        min = c == 0xf0 ? 0x90 : 0x80;
        max = c == 0xf4 ? 0x8f : 0xbf;
      } else {
        return i;
      }
      if (i + len > n) {
        return i;
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k < len; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return i;
        }
      }
      i += len;
    }
    return -1;
  }
}
