package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  @Test
  void longValue_presentAbsentAndEncoded() {
    QueryParams q = QueryParams.of(URI.create("/v1/pull?since=%34%32&limit=5&&x"));

    assertEquals(42, q.longValue("since", 0, 0));
    assertEquals(5, q.longValue("limit", 500, 1));
    assertEquals(7, q.longValue("wait_ms", 7, 0));
  }

  @Test
  void longValue_invalid_is400InvalidParameter() {
    assertEquals("invalid_parameter", code("/p?since=x", "since", 0));
    assertEquals("invalid_parameter", code("/p?since=", "since", 0));
    assertEquals("invalid_parameter", code("/p?limit=0", "limit", 1));
    assertEquals("invalid_parameter", code("/p?since=1.0", "since", 0));
  }

  @Test
  void of_repeatedParameter_is400() {
    ApiException e =
        assertThrows(ApiException.class, () -> QueryParams.of(URI.create("/p?a=1&a=2")));
    assertEquals(400, e.status());
  }

  private static String code(String uri, String name, long min) {
    QueryParams q = QueryParams.of(URI.create(uri));
    ApiException e = assertThrows(ApiException.class, () -> q.longValue(name, 0, min));
    assertEquals(400, e.status());
    return e.errorCode();
  }
}
