package swamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of several masters to ask first: the hosts are all connected to at once, and the first
 * in the list that takes the connection wins. A later one wins once it has connected and no
 * earlier one has for {@link #GRACE}. Every connection is closed with nothing sent.
 *
 * <p>Asked in turn, a master whose whole host is down (no answer, not even a refusal) cost each
 * command the connect timeout before the next master was asked; now it costs at most the grace.
 * On a cluster's network a live host connects well within the grace, so the order given still
 * decides among masters that are up (a standby would only send the client on to the active
 * master).
 */
final class ConnectRace {
  private ConnectRace() {}

  /** How long a master that connected waits for an earlier one in the list. */
  static final Duration GRACE = Duration.ofMillis(200);

  /**
   * The index of the master to ask first (a null target is passed over); -1 when none takes a
   * connection within {@code timeout}.
   */
  static int first(List<URI> targets, Duration timeout) {
    List<SocketChannel> open = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      // per target: 0 still connecting, 1 connected, -1 failed (refused, unresolved, no route)
      int[] state = new int[targets.size()];
      for (int i = 0; i < targets.size(); i++) {
        state[i] = connect(targets.get(i), selector, i, open);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      long decideBy = Long.MAX_VALUE;
      while (true) {
        int winner = winner(state);
        if (winner >= 0 || winner == -2) {
          return winner >= 0 ? winner : -1;
        }
        if (firstConnected(state) >= 0) {
          decideBy = Math.min(decideBy, System.nanoTime() + GRACE.toNanos());
        }
        long wait = Math.min(deadline, decideBy) - System.nanoTime();
        if (wait <= 0) {
          return firstConnected(state);
        }
        selector.select(Math.max(1, wait / 1_000_000));
        for (SelectionKey key : selector.selectedKeys()) {
          int at = (Integer) key.attachment();
          try {
            state[at] = ((SocketChannel) key.channel()).finishConnect() ? 1 : 0;
          } catch (IOException refused) {
            state[at] = -1;
          }
          if (state[at] != 0) {
            key.cancel();
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      return -1; // no selector: the masters are asked in turn
    } finally {
      for (SocketChannel c : open) {
        try {
          c.close();
        } catch (IOException e) {
          // closing a connection never used
        }
      }
    }
  }

  /** Starts the connection to {@code target} (null: none): its state as in {@link #first}. */
  private static int connect(URI target, Selector selector, int at, List<SocketChannel> open) {
    if (target == null) {
      return -1;
    }
    try {
      InetSocketAddress address = new InetSocketAddress(target.getHost(), HttpExchange.port(target));
      if (address.isUnresolved()) {
        return -1;
      }
      SocketChannel channel = SocketChannel.open();
      open.add(channel);
      channel.configureBlocking(false);
      if (channel.connect(address)) {
        return 1;
      }
      channel.register(selector, SelectionKey.OP_CONNECT, at);
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      return -1; // refused at once, no route, no host in the URL
    }
  }

  /**
   * The first connected target when every one before it failed; -2 when all failed; -1 while
   * that is not known yet.
   */
  private static int winner(int[] state) {
    for (int i = 0; i < state.length; i++) {
      if (state[i] == 1) {
        return i;
      }
      if (state[i] == 0) {
        return -1;
      }
    }
    return -2;
  }

  private static int firstConnected(int[] state) {
    for (int i = 0; i < state.length; i++) {
      if (state[i] == 1) {
        return i;
      }
    }
    return -1;
  }
}
