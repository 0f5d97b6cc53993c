package dev.ferry.transport.internal;

import java.util.Locale;

/**
 * Decides whether a URL host names this machine, without asking DNS: {@code localhost}, an IPv4
 * literal in {@code 127.0.0.0/8} or the IPv6 literal {@code ::1}.
 *
 * <p>Only literals count, because a name that merely resolves to a loopback address today may
 * resolve elsewhere tomorrow, and the rule exists to keep bearer tokens off the network.
 */
public final class LoopbackHosts {

  private LoopbackHosts() {}

  /**
   * @param host a host as {@link okhttp3.HttpUrl#host()} reports it (IPv6 without brackets)
   */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.equals("localhost.")) {
      return true;
    }
    if (h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    return isIpv4InLoopbackRange(h);
  }

  private static boolean isIpv4InLoopbackRange(String h) {
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return Integer.parseInt(parts[0]) == 127;
  }
}
