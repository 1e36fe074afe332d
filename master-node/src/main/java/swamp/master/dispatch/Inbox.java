package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.ToMaster;

/**
 * Where workers send their reports: the master reference a worker gets in RegOk and watches. It
 * is a group commit: while one batch of reports is being journaled, the next ones gather here and
 * go to the dispatcher together, one journal write for them all, so that the journal's latency
 * bounds the batch size rather than the throughput.
 *
 * <p>It belongs to the MasterActor, beside the dispatcher, not under it: a dispatcher that starts
 * again from its journal attaches to the same inbox, and its workers see no change of master.
 */
public final class Inbox extends AbstractBehavior<Inbox.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** What reaches the dispatcher in a batch, in the order it came. */
  sealed interface Item extends Command {}

  /** A worker's report. */
  record Report(ToMaster report) implements Item {}

  /**
   * A worker's removal, queued behind the reports that reached the inbox before it: a worker that
   * reports a finish and then dies must not have that job run again.
   */
  record InOrder(MembershipEvent.WorkerLeft removal) implements Item {}

  /** The dispatcher journaled the last batch: the next may come. */
  enum Written implements Command { INSTANCE }

  /**
   * A dispatcher (first, or again after it failed): batches go to it from now on, starting with
   * what gathered meanwhile; it is told the ref workers report to.
   */
  record Attach(ActorRef<JobDispatcher.Command> dispatcher) implements Command {}

  public static Behavior<Command> create() {
    return Behaviors.setup(Inbox::new);
  }

  /** What workers hold as their master: reports sent to it arrive here as {@link Report}s. */
  private final ActorRef<ToMaster> forWorkers;
  private final List<Item> waiting = new ArrayList<>();
  private ActorRef<JobDispatcher.Command> dispatcher;
  private boolean writing;

  private Inbox(ActorContext<Command> context) {
    super(context);
    this.forWorkers = context.messageAdapter(ToMaster.class, Report::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Written.class, w -> {
          writing = false;
          return flush();
        })
        .onMessage(Report.class, this::onItem)
        .onMessage(InOrder.class, this::onItem)
        .build();
  }

  private Behavior<Command> onAttach(Attach a) {
    dispatcher = a.dispatcher();
    writing = false; // a batch the failed dispatcher was writing is not coming back
    dispatcher.tell(new JobDispatcher.InboxAttached(forWorkers));
    return flush();
  }

  private Behavior<Command> onItem(Item item) {
    waiting.add(item);
    return writing ? this : flush();
  }

  private Behavior<Command> flush() {
    if (dispatcher != null && !writing && !waiting.isEmpty()) {
      writing = true;
      dispatcher.tell(new JobDispatcher.FromWorkers(List.copyOf(waiting)));
      waiting.clear();
    }
    return this;
  }
}
