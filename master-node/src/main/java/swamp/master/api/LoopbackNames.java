package swamp.master.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a request's Host names the loopback interface: {@code localhost} and its subdomains
 * (RFC 6761: a browser resolves them to loopback itself), or a loopback address written as one.
 * A name is never looked up: what DNS says of it is what an attacker chooses.
 */
final class LoopbackNames {
  private LoopbackNames() {}

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** {@code host}: a Host header's name, without its port; an IPv6 address within brackets. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) { // 'localhost.' is the same name, fully qualified
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    boolean v6 = h.startsWith("[") && h.endsWith("]");
    if (!v6 && !IPV4.matcher(h).matches()) {
      return false;
    }
    try { // a literal: InetAddress parses it without a lookup
      return InetAddress.getByName(v6 ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
