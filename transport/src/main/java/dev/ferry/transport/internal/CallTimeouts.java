package dev.ferry.transport.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A per-request read timeout, carried as a request tag and applied by {@link #INTERCEPTOR}.
 *
 * <p>A long-poll must wait longer for its first byte than an ordinary call, but deriving a new
 * {@link okhttp3.OkHttpClient} per long-poll would be wasteful; OkHttp lets an application
 * interceptor change the read timeout of the rest of one call's chain instead.
 *
 * @param readTimeout the read timeout of this one call, positive
 */
public record CallTimeouts(Duration readTimeout) {

  /** Applies a request's {@link CallTimeouts} tag, if any. */
  public static final Interceptor INTERCEPTOR = new ApplyTag();

  public CallTimeouts {
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("read timeout must be positive");
    }
  }

  private static final class ApplyTag implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      CallTimeouts tag = request.tag(CallTimeouts.class);
      if (tag == null) {
        return chain.proceed(request);
      }
      long millis = Math.min(Integer.MAX_VALUE, tag.readTimeout().toMillis());
      return chain.withReadTimeout((int) millis, TimeUnit.MILLISECONDS).proceed(request);
    }
  }
}
