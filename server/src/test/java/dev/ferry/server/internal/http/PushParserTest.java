package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.wire.PushRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushParserTest {

  private static final String HEAD =
      "{\"replica_id\":\"r\",\"lease_epoch\":1,\"mutations\":[{\"client_seq\":1,\"project\":\"p\","
          + "\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":";
  private static final String TAIL = "}]}";

  @Test
  void parse_payloadsKeepTheirBytes() {
    List<String> payloads =
        List.of(
            "-0",
            "0.1e1",
            "1e400",
            "-0.0E-0",
            "1" + "0".repeat(10_000),
            "{\"a\" : [ -0 , 1E+400 ,\"\\u00e9\\/\" ] }",
            "\"\\u0000 \\ud800 é 😀\"",
            "null");
    for (String payload : payloads) {
      byte[] sent = payload.getBytes(StandardCharsets.UTF_8);
      PushRequest r = PushParser.parse((HEAD + payload + TAIL).getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(
          sent,
          r.mutations().get(0).payload().json().getBytes(StandardCharsets.UTF_8),
          payload);
    }
  }

  @Test
  void parse_utf8ByteOrderMark_isIgnored() {
    byte[] body = concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8(HEAD + "{\"x\":-0}" + TAIL));

    assertEquals("{\"x\":-0}", PushParser.parse(body).mutations().get(0).payload().json());
  }

  @Test
  void parse_invalidUtf8Anywhere_isMalformed() {
    byte[][] bad = {
      {(byte) 0xc3, 0x28}, // a lead byte without its continuation
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong, three bytes
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate (CESU-8)
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0x80}, // a lone continuation byte
      {(byte) 0xff},
    };
    for (byte[] b : bad) {
      byte[] inPayloadString = concat(utf8(HEAD + "{\"t\":\""), b, utf8("\"}" + TAIL));
      byte[] inName = concat(utf8(HEAD.replace("\"k\"", "\"k")), b, utf8("\"" + "1" + TAIL));
      assertEquals("malformed_json", code(inPayloadString));
      assertEquals("malformed_json", code(inName));
    }
    byte[] truncated = concat(utf8(HEAD + "1" + TAIL), new byte[] {(byte) 0xe2, (byte) 0x82});
    assertEquals("malformed_json", code(truncated));
  }

  @Test
  void parse_utf16AndUtf32_areRefused() {
    String body = HEAD + "{\"t\":\"é\"}" + TAIL;
    for (String cs : List.of("UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
      ApiException e =
          assertThrows(ApiException.class, () -> PushParser.parse(body.getBytes(Charset.forName(cs))));
      assertEquals("malformed_json", e.errorCode(), cs);
      assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }
  }

  @Test
  void parse_nullOrAnyNonObject_isInvalidRequest() {
    for (String body : List.of("null", " null ", "[]", "\"push\"", "1", "true", "", "  ")) {
      assertEquals("invalid_request", code(utf8(body)), body);
    }
  }

  @Test
  void parse_numberWhereATextIsDue_isInvalidRequest() {
    assertEquals("invalid_request", code(utf8(HEAD.replace("\"p\"", "5") + "1" + TAIL)));
    assertEquals("invalid_request", code(utf8(HEAD.replace("\"upsert\"", "1.5") + "1" + TAIL)));
    assertEquals(
        "invalid_request",
        code(utf8(HEAD.replace("\"client_seq\":1", "\"client_seq\":9223372036854775808") + "1" + TAIL)));
    assertEquals(
        "invalid_request",
        code(utf8(HEAD.replace("\"lease_epoch\":1", "\"lease_epoch\":1e3") + "1" + TAIL)));
  }

  @Test
  void utf8_acceptsEveryValidShape() {
    String all = "a é € 😀 \uffff \ud7ff \ue000 \udbff\udfff";
    assertEquals(-1, Utf8.firstInvalidOrNul(utf8(all)));
    assertEquals(1, Utf8.firstInvalidOrNul(new byte[] {'a', 0, 'b'}));
  }

  private static String code(byte[] body) {
    return assertThrows(ApiException.class, () -> PushParser.parse(body)).errorCode();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
