package swamp.master.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.Unregister;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.Declined;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.Refused;
import swamp.protocol.ToWorker.RegisterAgain;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The one owner of the pool's membership. Admits a {@link Register} ({@link Admission}: the
 * secret, the protocol, the offer) or refuses it with a reason that says whether trying again can
 * help, watches admitted workers and their nodes
 * (through the {@link NodeWatcher}), sends {@link Dismiss}, and publishes every change as a
 * {@link MembershipEvent} to its subscribers: the dispatcher, which answers an admitted worker
 * RegOk so that the RegOk and the jobs that follow come from one sender, in order. A repeated
 * Register from the same worker is an idempotent re-registration. A goodbye ({@link Unregister})
 * counts only when it comes from the ref registered under its worker id.
 *
 * <p>A worker is gone when its watch says so and its node, that incarnation of it, is no longer
 * a member of the cluster. Pekko's death watch goes by host and port: a worker started again on
 * the port of one that was removed is reported stopped while its node joins (the address bears
 * the removed one's tombstone) and when the old incarnation is quarantined; each worker says which
 * incarnation its node is ({@link Register#nodeUid()}), and such a worker is watched again.
 */
public final class WorkerRegistry extends AbstractBehavior<WorkerRegistry.Command> {

  public sealed interface Command {}

  private sealed interface Internal extends Command, NoSerializationVerificationNeeded {}

  private record FromWorker(ToRegistry message) implements Internal {}

  private record WorkerStopped(String workerId, ActorRef<ToWorker> ref) implements Internal {}

  /** Watch the worker again: it was reported stopped while its node was up (see the class). */
  private record Rewatch(String workerId, ActorRef<ToWorker> ref) implements Internal {}

  /** The id of the master's own (local-exec) worker, which no other worker may take. */
  public static final String EMBEDDED_ID = Admission.EMBEDDED_ID;

  /** How long after a false report of its stop a worker is watched again. */
  private static final Duration REWATCH_AFTER = Duration.ofSeconds(1);

  /**
   * How often a worker may be reported stopped while its node is up. Two are the ways above;
   * more, and the worker's actor is taken to have stopped in a node that lives on.
   */
  private static final int FALSE_STOPS = 5;

  /**
   * Publishes membership to {@code subscriber} from now on. The first subscriber is told what
   * happened before it came; one in place of an earlier subscriber of the same {@code name} (a
   * dispatcher started again from its journal) learns the workers from the workers themselves:
   * each is asked to register again, with what it runs now, and none has to leave the cluster.
   */
  public record Subscribe(String name, ActorRef<MembershipEvent> subscriber) implements Internal {}

  /**
   * Tells {@code follower} every change of membership from now on, after answering {@code
   * replyTo} with the workers registered now; one of the same {@code name} replaces it. Unlike a
   * {@link Subscribe}r, a follower asks nothing of the workers (the pool scaler follows, to know
   * its spawns' workers as they come and go).
   */
  public record Follow(String name, ActorRef<MembershipEvent> follower, ActorRef<Members> replyTo)
      implements Internal {}

  /** The workers registered when a {@link Follow} came, with their offers. */
  public record Members(Map<String, WorkerOffer> offers) implements NoSerializationVerificationNeeded {}

  /** A worker near its walltime: no new jobs for it; it is dismissed once idle. */
  public record Retire(String workerId) implements Internal {}

  /** The node at {@code address} is unreachable or reachable again (from the NodeWatcher). */
  record NodeReachability(Address address, boolean reachable) implements Internal {}

  /** The process of the node at {@code address} is known to be dead: its workers are gone. */
  record NodeGone(Address address, String reason) implements Internal {}

  /**
   * The master was paused for {@code gap} (its {@link NodeWatcher} heard no tick meanwhile): the
   * workers found gone within {@link #AFTER_A_PAUSE} of it may be alive under new nodes.
   */
  record Paused(Duration gap) implements Internal {}

  /**
   * How long after a pause of the master a worker found gone may still come back with its jobs:
   * a worker downed while its master was silent starts its node again and joins within seconds
   * of the master answering, and the split-brain resolver downs its old node 7 s or so after.
   */
  static final Duration AFTER_A_PAUSE = Duration.ofSeconds(30);

  /** Dismiss one worker, or every worker but the embedded one when {@code workerId} is null. */
  public record DismissWorkers(String workerId, String reason, ActorRef<Dismissed> replyTo)
      implements Internal {}

  /** The workers that were sent Dismiss; {@code error} when the one named is not registered. */
  public record Dismissed(List<String> workerIds, String error)
      implements NoSerializationVerificationNeeded {}

  /** Answers once no worker but the embedded one is registered. */
  public record AwaitNoWorkers(ActorRef<Done> replyTo) implements Internal {}

  public enum Done { INSTANCE }

  /**
   * A registered worker: its ref, its offer, its node's incarnation ({@code nodeUid}, 0 where
   * unknown) and how often it was reported stopped while that node was up.
   */
  private record Member(ActorRef<ToWorker> ref, WorkerOffer offer, long nodeUid, int falseStops) {
    Member stoppedFalsely() {
      return new Member(ref, offer, nodeUid, falseStops + 1);
    }
  }

  private final TimerScheduler<Command> timers;
  /** When the master was last found paused ({@link Paused}); 0: never. */
  private long pausedAt;
  /** Who may register at all: the secret, the protocol, a valid offer. */
  private final Admission admission;
  /** This master's incarnation, as RegOk tells it and {@link ToRegistry.MasterIs} answers it. */
  private final long masterEpoch;
  private final Map<String, ActorRef<MembershipEvent>> subscribers = new LinkedHashMap<>();
  private final Map<String, ActorRef<MembershipEvent>> followers = new LinkedHashMap<>();
  /** What happened while there was no subscriber yet (a master starting). */
  private final List<MembershipEvent> beforeSubscribers = new ArrayList<>();
  private final Map<String, Member> members = new HashMap<>();
  private final List<ActorRef<Done>> awaitingNoWorkers = new ArrayList<>();

  /** The registry; it announces itself to workers through the Receptionist. */
  public static Behavior<Command> create(String secret, boolean insecure, long masterEpoch) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ToRegistry.KEY,
          ctx.messageAdapter(ToRegistry.class, FromWorker::new)));
      return new WorkerRegistry(ctx, timers, secret, insecure, masterEpoch);
    }));
  }

  private WorkerRegistry(ActorContext<Command> context, TimerScheduler<Command> timers,
      String secret, boolean insecure, long masterEpoch) {
    super(context);
    this.timers = timers;
    this.admission = new Admission(secret, insecure);
    this.masterEpoch = masterEpoch;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromWorker.class, m -> onWorker(m.message()))
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(Rewatch.class, w -> {
          Member m = members.get(w.workerId());
          if (m != null && m.ref().equals(w.ref())) {
            getContext().watchWith(w.ref(), new WorkerStopped(w.workerId(), w.ref()));
          }
          return this;
        })
        .onMessage(DismissWorkers.class, this::onDismiss)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Follow.class, f -> {
          Map<String, WorkerOffer> offers = new LinkedHashMap<>();
          members.forEach((id, m) -> offers.put(id, m.offer()));
          f.replyTo().tell(new Members(offers));
          followers.put(f.name(), f.follower());
          return this;
        })
        .onMessage(Retire.class, r -> {
          if (members.containsKey(r.workerId())) {
            publish(new MembershipEvent.WorkerDraining(r.workerId()));
          }
          return this;
        })
        .onMessage(NodeReachability.class, this::onReachability)
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(Paused.class, p -> {
          pausedAt = System.nanoTime();
          return this;
        })
        .onMessage(AwaitNoWorkers.class, a -> {
          awaitingNoWorkers.add(a.replyTo());
          return checkNoWorkers();
        })
        .build();
  }

  /** Published on the system's event stream for the metrics: a registration accepted or refused for good. */
  public record RegistrationSeen(String workerId, boolean accepted) {}

  private void publish(RegistrationSeen seen) {
    getContext().getSystem().eventStream().tell(
        new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(seen));
  }

  private Behavior<Command> onWorker(ToRegistry message) {
    if (message instanceof Register r) {
      return onRegister(r);
    } else if (message instanceof Unregister u) {
      return onUnregister(u);
    }
    ToRegistry.WhichMaster which = (ToRegistry.WhichMaster) message;
    which.replyTo().tell(new ToRegistry.MasterIs(masterEpoch,
        which.workerId() == null || members.containsKey(which.workerId())));
    return this;
  }

  private Behavior<Command> onRegister(Register r) {
    if (r.replyTo() == null) { // malformed on the wire: nobody to answer, nothing to watch
      getContext().getLog().warn("ignoring a registration of {} that carries no reply address",
          r.workerId());
      return this;
    }
    Optional<String> refusal = admission.refusal(r);
    if (refusal.isPresent()) {
      getContext().getLog().warn("refused worker {} at {}: {}", r.workerId(),
          r.offer() == null ? "?" : r.offer().host(), refusal.get());
      r.replyTo().tell(new Refused(refusal.get()));
      publish(new RegistrationSeen(r.workerId(), false));
      return this;
    }
    Member known = members.get(r.workerId());
    if (known != null && !known.ref().equals(r.replyTo())) {
      // another process uses this id: it may be a dead one not yet noticed, so try again later
      r.replyTo().tell(new Declined("worker id " + r.workerId()
          + " is registered by another live worker; try again later or use another --id"));
      return this;
    }
    if (known == null) {
      Optional<String> other = members.entrySet().stream()
          .filter(e -> e.getValue().ref().equals(r.replyTo())).map(Map.Entry::getKey).findFirst();
      if (other.isPresent()) { // one worker, one id; watching its ref twice would crash us
        r.replyTo().tell(new Refused("this worker is already registered as " + other.get()
            + "; it cannot register as " + r.workerId() + " too"));
        return this;
      }
      members.put(r.workerId(), new Member(r.replyTo(), r.offer(), r.nodeUid(), 0));
      if (!r.offer().embedded()) {
        publish(new RegistrationSeen(r.workerId(), true));
      }
      getContext().watchWith(r.replyTo(), new WorkerStopped(r.workerId(), r.replyTo()));
      getContext().getLog().info("worker {} registered from {} ({} slots, capabilities {}, {} programs{})",
          r.workerId(), r.offer().host(), r.offer().slots(), r.offer().labels(),
          r.offer().allowsAnyProgram() ? "any" : r.offer().executables().size(),
          r.offer().embedded() ? ", embedded local-exec worker" : "");
    } else {
      getContext().getLog().debug("worker {} registered again", r.workerId());
    }
    publish(new MembershipEvent.WorkerJoined(r.workerId(), r.offer(), r.running(), r.replyTo()));
    return this;
  }

  private Behavior<Command> onUnregister(Unregister u) {
    Member m = members.get(u.workerId());
    if (m != null && !m.ref().equals(u.worker())) {
      getContext().getLog().warn("ignoring a goodbye of worker {} sent by {}, not by the worker"
          + " registered under that id ({})", u.workerId(), u.worker(), m.ref());
      return this;
    }
    if (m != null) {
      members.remove(u.workerId());
      getContext().unwatch(m.ref());
      getContext().getLog().info("worker {} left: {}", u.workerId(), u.reason());
      publish(new MembershipEvent.WorkerLeft(u.workerId(), "left: " + u.reason()));
    }
    return checkNoWorkers();
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped s) {
    Member m = members.get(s.workerId());
    if (m != null && m.ref().equals(s.ref()) && m.falseStops() < FALSE_STOPS && nodeIsUp(m)) {
      members.put(s.workerId(), m.stoppedFalsely());
      timers.startSingleTimer(s.workerId(), new Rewatch(s.workerId(), s.ref()), REWATCH_AFTER);
      getContext().getLog().info("worker {} was reported stopped, but its node {} is up in the"
          + " cluster, the same incarnation (one started again on the port of a removed node):"
          + " watching it again", s.workerId(), s.ref().path().address());
      return this;
    }
    if (m != null && m.ref().equals(s.ref())) {
      members.remove(s.workerId());
      getContext().getLog().warn("worker {} is gone (stopped or downed)", s.workerId());
      publish(new MembershipEvent.WorkerLeft(s.workerId(), "is gone", justPaused()));
    }
    return checkNoWorkers();
  }

  private Behavior<Command> onDismiss(DismissWorkers d) {
    List<String> ids = new ArrayList<>();
    if (d.workerId() != null) {
      Member m = members.get(d.workerId());
      if (m == null || m.offer().embedded()) {
        d.replyTo().tell(new Dismissed(List.of(), "no worker " + d.workerId() + " is registered"));
        return this;
      }
      ids.add(d.workerId());
    } else {
      members.forEach((id, m) -> {
        if (!m.offer().embedded()) {
          ids.add(id);
        }
      });
    }
    for (String id : ids) {
      getContext().getLog().info("dismissing worker {}: {}", id, d.reason());
      publish(new MembershipEvent.WorkerDraining(id));
      members.get(id).ref().tell(new Dismiss(d.reason()));
    }
    d.replyTo().tell(new Dismissed(ids, null));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (subscribers.put(s.name(), s.subscriber()) == null) {
      beforeSubscribers.forEach(s.subscriber()::tell);
      beforeSubscribers.clear();
    } else if (!members.isEmpty()) {
      getContext().getLog().info("{} subscribed to membership: asking the {} registered worker(s)"
          + " to register again", s.name(), members.size());
      members.values().forEach(m -> m.ref().tell(new RegisterAgain(s.name() + " started again")));
    }
    return this;
  }

  private Behavior<Command> onReachability(NodeReachability r) {
    membersAt(r.address()).forEach(id ->
        publish(new MembershipEvent.WorkerReachability(id, r.reachable())));
    return this;
  }

  /** No process, no duplicate: its workers' jobs need not wait for the node's removal. */
  private Behavior<Command> onNodeGone(NodeGone g) {
    for (String id : membersAt(g.address())) {
      getContext().unwatch(members.remove(id).ref());
      publish(new MembershipEvent.WorkerLeft(id, g.reason(), justPaused()));
    }
    return checkNoWorkers();
  }

  /** Whether the master was paused within {@link #AFTER_A_PAUSE}. */
  private boolean justPaused() {
    return pausedAt != 0 && System.nanoTime() - pausedAt < AFTER_A_PAUSE.toNanos();
  }

  /** Whether the worker's node, the incarnation it registered from, is joining or up. */
  private boolean nodeIsUp(Member m) {
    Address node = m.ref().path().address();
    if (m.nodeUid() == 0 || !node.hasGlobalScope()) {
      return false;
    }
    for (var member : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (member.uniqueAddress().address().equals(node)
          && member.uniqueAddress().longUid() == m.nodeUid()) {
        MemberStatus status = member.status();
        return status == MemberStatus.joining() || status == MemberStatus.weaklyUp()
            || status == MemberStatus.up();
      }
    }
    return false;
  }

  private List<String> membersAt(Address address) {
    return members.entrySet().stream()
        .filter(e -> e.getValue().ref().path().address().equals(address))
        .map(Map.Entry::getKey).toList();
  }

  private void publish(MembershipEvent event) {
    if (subscribers.isEmpty()) { // a worker retrying meanwhile is one worker: keep its newest
      if (event instanceof MembershipEvent.WorkerJoined) {
        beforeSubscribers.removeIf(e -> e instanceof MembershipEvent.WorkerJoined
            && e.workerId().equals(event.workerId()));
      }
      beforeSubscribers.add(event);
    }
    subscribers.values().forEach(s -> s.tell(event));
    followers.values().forEach(f -> f.tell(event));
  }

  private Behavior<Command> checkNoWorkers() {
    if (!awaitingNoWorkers.isEmpty()
        && members.values().stream().allMatch(m -> m.offer().embedded())) {
      awaitingNoWorkers.forEach(r -> r.tell(Done.INSTANCE));
      awaitingNoWorkers.clear();
    }
    return this;
  }
}
