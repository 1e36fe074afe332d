package swamp.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitives swamp's compact forms are written with (the wire's hot messages, {@link
 * WireSerializer}; the master's journal, its snapshots and events): numbers as zig-zag varints,
 * strings as a length (-1: null) and UTF-8.
 */
public final class CompactBytes {
  private CompactBytes() {}

  /** Writes a record's fields. */
  public static final class Out {
    private byte[] buf;
    private int pos;

    public Out(int size) {
      buf = new byte[Math.max(64, size)];
    }

    private void room(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
      }
    }

    public void i32(int v) {
      i64(v);
    }

    /** Zig-zag, then seven bits a byte: small numbers of either sign take one or two bytes. */
    public void i64(long v) {
      room(10);
      long z = (v << 1) ^ (v >> 63);
      while ((z & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((z & 0x7F) | 0x80);
        z >>>= 7;
      }
      buf[pos++] = (byte) z;
    }

    public void bool(boolean v) {
      room(1);
      buf[pos++] = (byte) (v ? 1 : 0);
    }

    public void str(String s) {
      if (s == null) {
        i32(-1);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    public void strings(List<String> list) {
      i32(list.size());
      list.forEach(this::str);
    }

    public byte[] bytes() {
      return Arrays.copyOf(buf, pos);
    }
  }

  /** Reads them back, in the order they were written. */
  public static final class In {
    public final ByteBuffer buffer;
    /** The format's version: what an older one lacks is read as its default. */
    public final int version;

    public In(byte[] bytes, int version) {
      this.buffer = ByteBuffer.wrap(bytes);
      this.version = version;
    }

    public int i32() {
      long v = i64();
      if (v != (int) v) {
        throw new IllegalArgumentException("a number too large for its field: " + v);
      }
      return (int) v;
    }

    public long i64() {
      long z = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buffer.get();
        z |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return (z >>> 1) ^ -(z & 1);
        }
      }
      throw new IllegalArgumentException("a number of more than ten bytes");
    }

    public boolean bool() {
      return buffer.get() != 0;
    }

    /** A count, which cannot be more than the bytes left. */
    public int count() {
      int n = i32();
      if (n < 0 || n > buffer.remaining()) {
        throw new IllegalArgumentException("a count of " + n + " with " + buffer.remaining()
            + " bytes left");
      }
      return n;
    }

    public String str() {
      int n = i32();
      if (n == -1) {
        return null;
      }
      if (n < -1 || n > buffer.remaining()) {
        throw new IllegalArgumentException("a string of " + n + " bytes with "
            + buffer.remaining() + " left");
      }
      String s = new String(buffer.array(), buffer.position(), n, StandardCharsets.UTF_8);
      buffer.position(buffer.position() + n);
      return s;
    }

    public List<String> strings() {
      int n = count();
      List<String> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(str());
      }
      return list;
    }
  }
}
