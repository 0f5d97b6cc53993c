package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  @Test
  void longValue_presentAbsentAndEncoded() {
    QueryParams q = QueryParams.of(URI.create("/v1/pull?since=%34%32&limit=5&&x").getRawQuery());

    assertEquals(42, q.longValue("since", 0, 0));
    assertEquals(5, q.longValue("limit", 500, 1));
    assertEquals(7, q.longValue("wait_ms", 7, 0));
    assertEquals(3, QueryParams.of("%73ince=3").longValue("since", 0, 0));
    assertEquals(9, QueryParams.of((String) null).longValue("since", 9, 0));
  }

  @Test
  void longValue_invalid_is400InvalidParameter() {
    assertEquals("invalid_parameter", code("/p?since=x", "since", 0));
    assertEquals("invalid_parameter", code("/p?since=", "since", 0));
    assertEquals("invalid_parameter", code("/p?limit=0", "limit", 1));
    assertEquals("invalid_parameter", code("/p?since=1.0", "since", 0));
    assertEquals("invalid_parameter", code("/p?since=-1", "since", 0));
    assertEquals("invalid_parameter", code("/p?since=99999999999999999999", "since", 0));
  }

  @Test
  void longValue_onlyAsciiDigits() {
    for (String v : new String[] {"%2B5", "%D9%A3", "%EF%BC%93", "5%20", "%205", "-", "0x10"}) {
      assertEquals("invalid_parameter", code("/p?since=" + v, "since", 0), v);
    }
    assertEquals(7, QueryParams.of("since=007").longValue("since", 0, 0));
  }

  @Test
  void longValue_repeatedOrUndecodable_is400() {
    ApiException twice =
        assertThrows(
            ApiException.class, () -> QueryParams.of("since=1&since=1").longValue("since", 0, 0));
    ApiException badEncoding =
        assertThrows(ApiException.class, () -> QueryParams.of("since=%zz").longValue("since", 0, 0));

    assertEquals(400, twice.status());
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    assertEquals(400, badEncoding.status());
    assertEquals("invalid_parameter", badEncoding.errorCode());
  }

  @Test
  void unknownParameters_areIgnoredEvenRepeatedOrUndecodable() {
    QueryParams q = QueryParams.of("x=1&x=2&%zz=%zz&y=%&since=4&since2=1&since2=2");

    assertEquals(4, q.longValue("since", 0, 0));
  }

  private static String code(String uri, String name, long min) {
    QueryParams q = QueryParams.of(URI.create(uri).getRawQuery());
    ApiException e = assertThrows(ApiException.class, () -> q.longValue(name, 0, min));
    assertEquals(400, e.status());
    return e.errorCode();
  }
}
