package swamp.worker;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import swamp.protocol.ToWorker;

/**
 * A message of the master's as a {@link WorkerProtocol.Command} of its own kind, one record per
 * {@link ToWorker} kind, so that each of the worker's states matches the kinds it takes by class
 * and leaves the others unhandled. The worker's message adapter makes them ({@link #of}): the one
 * place a {@link ToWorker} is told apart.
 */
sealed interface FromMaster extends WorkerProtocol.Command, NoSerializationVerificationNeeded {

  record RegOk(ToWorker.RegOk ok) implements FromMaster {}

  record Declined(ToWorker.Declined declined) implements FromMaster {}

  record Refused(ToWorker.Refused refused) implements FromMaster {}

  record Job(ToWorker.Job job) implements FromMaster {}

  record Jobs(ToWorker.Jobs jobs) implements FromMaster {}

  record HandBack(ToWorker.HandBack back) implements FromMaster {}

  record CancelJob(ToWorker.CancelJob cancel) implements FromMaster {}

  record FinishAck(ToWorker.FinishAck ack) implements FromMaster {}

  record RegisterAgain(ToWorker.RegisterAgain again) implements FromMaster {}

  record Dismiss(ToWorker.Dismiss dismiss) implements FromMaster {}

  /** The command for {@code message}; every kind of the sealed {@link ToWorker} has one. */
  static FromMaster of(ToWorker message) {
    if (message instanceof ToWorker.Job m) {
      return new Job(m);
    } else if (message instanceof ToWorker.Jobs m) {
      return new Jobs(m);
    } else if (message instanceof ToWorker.CancelJob m) {
      return new CancelJob(m);
    } else if (message instanceof ToWorker.HandBack m) {
      return new HandBack(m);
    } else if (message instanceof ToWorker.FinishAck m) {
      return new FinishAck(m);
    } else if (message instanceof ToWorker.RegOk m) {
      return new RegOk(m);
    } else if (message instanceof ToWorker.Declined m) {
      return new Declined(m);
    } else if (message instanceof ToWorker.Refused m) {
      return new Refused(m);
    } else if (message instanceof ToWorker.RegisterAgain m) {
      return new RegisterAgain(m);
    } else if (message instanceof ToWorker.Dismiss m) {
      return new Dismiss(m);
    }
    throw new IllegalArgumentException("not a message this worker knows: " + message);
  }
}
