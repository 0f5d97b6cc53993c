package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.GzipSource;
import okio.Okio;
import org.junit.jupiter.api.Test;

class GzipRequestInterceptorTest {

  private static final MediaType JSON = MediaType.get("application/json");

  @StartStop private final MockWebServer server = new MockWebServer();

  private RecordedRequest send(long threshold, String body) throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    OkHttpClient client =
        new OkHttpClient.Builder().addInterceptor(new GzipRequestInterceptor(threshold)).build();
    Request request =
        new Request.Builder().url(server.url("/")).post(RequestBody.create(body, JSON)).build();
    try (Response response = client.newCall(request).execute()) {
      assertEquals(200, response.code());
    }
    return server.takeRequest(10, TimeUnit.SECONDS);
  }

  @Test
  void bodyAtThreshold_isSentAsIs() throws Exception {
    RecordedRequest request = send(10, "0123456789");

    assertNull(request.getHeaders().get("Content-Encoding"));
    assertEquals("0123456789", request.getBody().utf8());
  }

  @Test
  void bodyAboveThreshold_isGzippedWithItsType() throws Exception {
    String body = "{\"a\":\"" + "y".repeat(5000) + "\"}";

    RecordedRequest request = send(10, body);

    assertEquals("gzip", request.getHeaders().get("Content-Encoding"));
    assertEquals(JSON.type() + "/" + JSON.subtype(), request.getHeaders().get("Content-Type").split(";")[0]);
    Buffer compressed = new Buffer().write(request.getBody());
    assertEquals(body, Okio.buffer(new GzipSource(compressed)).readUtf8());
  }
}
