package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  /** Bytes around every boundary of the UTF-8 table, plus plenty of ASCII for the 8-byte path. */
  private static final int[] ALPHABET = {
    0x00, 0x01, 0x22, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
    0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xfe, 0xff
  };

  @Test
  void firstInvalidOrNul_agreesWithTheJdksStrictDecoder() {
    Random random = new Random(20261204);
    for (int round = 0; round < 50_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            (byte)
                (random.nextInt(3) == 0
                    ? ALPHABET[random.nextInt(ALPHABET.length)]
                    : 'a' + random.nextInt(26));
      }
      assertEquals(jdkSaysValid(b), Utf8.firstInvalidOrNul(b) < 0, () -> HexFormat.of().formatHex(b));
    }
  }

  @Test
  void firstInvalidOrNul_pointsAtTheBadByteAfterLongAsciiRuns() {
    byte[] b = ("x".repeat(37) + "é").getBytes(StandardCharsets.UTF_8);
    b[20] = 0;
    assertEquals(20, Utf8.firstInvalidOrNul(b));
    b[20] = 'x';
    b[b.length - 2] = 'A';
    b[b.length - 1] = 'B';
    assertEquals(-1, Utf8.firstInvalidOrNul(b));
    b[b.length - 2] = (byte) 0xe9; // a lone Latin-1 'é'
    assertEquals(b.length - 2, Utf8.firstInvalidOrNul(b));
  }

  private static boolean jdkSaysValid(byte[] b) {
    for (byte x : b) {
      if (x == 0) {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
