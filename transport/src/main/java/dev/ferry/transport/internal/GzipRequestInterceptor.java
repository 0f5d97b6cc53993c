package dev.ferry.transport.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;

/**
 * Compresses request bodies larger than a threshold and marks them {@code Content-Encoding: gzip}.
 *
 * <p>The body is compressed into memory once, so its length is known and OkHttp can re-send it
 * when a pooled connection drops (a streaming gzip body could be written only once). Bodies that
 * already carry a {@code Content-Encoding}, or whose length is unknown, are left alone.
 */
public final class GzipRequestInterceptor implements Interceptor {

  private final long thresholdBytes;

  /**
   * @param thresholdBytes bodies strictly larger than this are compressed; {@link Long#MAX_VALUE}
   *     turns compression off
   */
  public GzipRequestInterceptor(long thresholdBytes) {
    if (thresholdBytes < 0) {
      throw new IllegalArgumentException("gzip threshold must not be negative");
    }
    this.thresholdBytes = thresholdBytes;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    RequestBody body = request.body();
    if (body == null || request.header("Content-Encoding") != null) {
      return chain.proceed(request);
    }
    long length = body.contentLength();
    if (length < 0 || length <= thresholdBytes) {
      return chain.proceed(request);
    }
    Request compressed =
        request
            .newBuilder()
            .header("Content-Encoding", "gzip")
            .method(request.method(), gzip(body))
            .build();
    return chain.proceed(compressed);
  }

  static RequestBody gzip(RequestBody body) throws IOException {
    Buffer out = new Buffer();
    try (BufferedSink sink = Okio.buffer(new GzipSink(out))) {
      body.writeTo(sink);
    }
    MediaType type = body.contentType();
    return RequestBody.create(out.readByteString(), type);
  }
}
