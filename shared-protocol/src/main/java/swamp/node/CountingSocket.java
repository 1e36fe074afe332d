package swamp.node;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;

/**
 * The socket under {@link PoolKeyProbe}'s TLS socket, which reads and writes through it: it
 * counts the bytes the peer sent and keeps the first of them, and outlives a failed write. No
 * byte before the connection ended is what tells a plain tcp peer from a TLS one that answered
 * and then failed; "HTTP/" first, a web server from a node.
 */
final class CountingSocket extends Socket {
  private final java.util.concurrent.atomic.AtomicLong received =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile IOException writeFailed;

  long received() {
    return received.get();
  }

  /** The first bytes the peer sent, as text (up to 32). */
  String first() {
    synchronized (first) {
      return new String(first, 0, firstLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  private final byte[] first = new byte[32];
  private int firstLength;

  private void keep(byte[] buf, int off, int n) {
    synchronized (first) {
      int take = Math.min(n, first.length - firstLength);
      System.arraycopy(buf, off, first, firstLength, take);
      firstLength += take;
    }
  }

  /**
   * In TLS 1.3 a peer that does not trust this node's certificate sends its alert and closes,
   * maybe while this side still writes its last handshake messages (a slow signature, a busy
   * machine): the write fails (a broken pipe) and the alert waits unread. The TLS layer is told
   * the bytes went out, so that it goes on to read; what it reads (the alert, an end, a reset)
   * is the result.
   */
  @Override
  public OutputStream getOutputStream() throws IOException {
    return new FilterOutputStream(super.getOutputStream()) {
      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        if (writeFailed == null) {
          try {
            out.write(buf, off, len);
          } catch (SocketException gone) {
            writeFailed = gone;
          }
        }
      }

      @Override
      public void flush() throws IOException {
        if (writeFailed == null) {
          try {
            out.flush();
          } catch (SocketException gone) {
            writeFailed = gone;
          }
        }
      }
    };
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return new FilterInputStream(super.getInputStream()) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          received.incrementAndGet();
          keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          received.addAndGet(n);
          keep(buf, off, n);
        }
        return n;
      }
    };
  }
}
