package swamp.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import swamp.node.Blocking;
import swamp.node.NodeAddress;
import swamp.node.NodeProbe;

/**
 * Watches the node of the master this worker registered with. When it becomes unreachable and
 * its process is known to be gone, this node downs itself at once to join the cluster again
 * (keeping its jobs running), instead of waiting for the split-brain resolver to down it, some
 * 14 s later: the restarted master, or the standby that took over, gets the worker back sooner.
 *
 * <p>Gone means: its port refuses connections, or its HTTP API (the address its {@code http=}
 * role names) answers with another master epoch, a master started since. A node that is merely
 * silent (a partition, a frozen JVM) is neither; the split-brain resolver decides about it.
 */
final class MasterWatch {
  private MasterWatch() {}

  sealed interface Command {}

  private record Unreachable(Member member) implements Command {}

  private record Gone(String why) implements Command {}

  private enum MayBeAlive implements Command { INSTANCE }

  static Behavior<Command> create(Address master, long epoch) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(
          ClusterEvent.UnreachableMember.class, u -> new Unreachable(u.member())),
          ClusterEvent.UnreachableMember.class));
      var blocking = Blocking.PROBES.in(ctx.getSystem());
      return Behaviors.receive(Command.class)
          .onMessage(Unreachable.class, u -> {
            if (u.member().address().equals(master)) {
              ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> gone(u.member(), epoch), blocking),
                  (why, failure) -> failure == null && why.isPresent() ? new Gone(why.get())
                      : MayBeAlive.INSTANCE);
            }
            return Behaviors.same();
          })
          .onMessage(Gone.class, g -> {
            ctx.getLog().warn("the master at {} is gone ({}): leaving the cluster to join again",
                master, g.why());
            cluster.manager().tell(new Down(cluster.selfMember().address()));
            return Behaviors.same();
          })
          .onMessage(MayBeAlive.class, a -> Behaviors.same())
          .build();
    });
  }

  /** Why the master's process is known to be gone, or empty when it may be alive. */
  static Optional<String> gone(Member master, long epoch) {
    if (NodeProbe.refuses(master.address())) {
      return Optional.of("its port refuses connections");
    }
    // the port answers: the same process (frozen, or cut off) or a new one there
    Optional<String> api = NodeAddress.httpUrl(master.getRoles());
    if (api.isEmpty()) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
          .build().send(HttpRequest.newBuilder(URI.create(api.get() + "/api/health"))
              .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200
          && new ObjectMapper().readTree(r.body()).path("masterEpoch").asLong(epoch) != epoch) {
        return Optional.of("a new master answers at its address");
      }
    } catch (IOException e) {
      // no answer: nothing known
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}
