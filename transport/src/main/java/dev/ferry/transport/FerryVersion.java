package dev.ferry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of Ferry on the class path, as built by Maven. */
public final class FerryVersion {

  private static final String VERSION = load();

  private FerryVersion() {}

  /** The version string, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} outside a Maven build. */
  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = FerryVersion.class.getResourceAsStream("ferry-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ferry-version.properties", e);
    }
  }
}
