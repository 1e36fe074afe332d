package swamp.worker;

import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import swamp.protocol.ToMaster;

/**
 * The messages a worker has from no one outside its node: its timers', its adapters' (the
 * Receptionist's listing, its runners' news, its {@link MasterWatch}'s) and its own. Both
 * {@link WorkerActor}'s states and {@link WorkerLeaving}'s match on them.
 */
sealed interface Internal extends WorkerProtocol.Command, NoSerializationVerificationNeeded {

  record RegistryListing(Receptionist.Listing listing) implements Internal {}

  record FromRunner(JobRunner.Event event) implements Internal {}

  record RunnerStopped(String jobId, int attempt) implements Internal {}

  /** The wait for a stop signal is over for the finish of a job ended by such a signal. */
  record HoldOver(String jobId, int attempt) implements Internal {}

  record MasterLost(ActorRef<ToMaster> master) implements Internal {}

  /** A node left the cluster this node is in (the cluster's own event). */
  record MemberRemoved(org.apache.pekko.cluster.Member member) implements Internal {}

  /** What the {@link KeyCheck} found: the reason to exit, if the key was rejected. */
  record KeyChecked(Optional<String> rejected) implements Internal {}

  /** Runs from the start of a {@link KeyCheck}: while it does, no other starts. */
  enum KeyCheckSpacing implements Internal { INSTANCE }

  /** No master has let this worker join within {@link JoinChecks#UNJOINED_WARN}: ask why. */
  enum Unjoined implements Internal { INSTANCE }

  /** Why no master has let this worker join, where {@link KeyCheck#unjoined} can tell. */
  record UnjoinedWhy(Optional<String> why) implements Internal {}

  /**
   * What its {@link MasterWatch} found: the master it registered with answers again, but can
   * never take it ({@link MasterWatch.Rejects}), or answers and does not list it ({@link
   * MasterWatch.Unlisted}).
   */
  record FromMasterWatch(MasterWatch.Told told) implements Internal {}

  /**
   * The worker's own directory cannot take a job's files ({@link WorkDirs#unusable}): the worker
   * takes no more jobs, and leaves once the running ones are done.
   */
  record DirUnusable(String reason) implements Internal {}

  /** Send the master the finishes it has not had (see {@link WorkerJobs#deliver}). */
  enum Deliver implements Internal { INSTANCE }

  // the timers: registration retry, give-up deadline, drain grace, wait for the last acks
  enum Retry implements Internal { INSTANCE }
  enum GiveUp implements Internal { INSTANCE }
  enum DrainOver implements Internal { INSTANCE }
  enum AcksOver implements Internal { INSTANCE }
  /** This JVM was stopped or stalled: the lease holds the jobs stopped (see {@link Reaper}). */
  enum LeaseLapsed implements Internal { INSTANCE }
}
