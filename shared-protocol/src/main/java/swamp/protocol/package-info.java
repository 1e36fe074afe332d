/**
 * The wire between swamp's nodes, by direction, and the value types it carries
 * ({@link swamp.protocol.WorkerOffer}, {@link swamp.protocol.JobSpec},
 * {@link swamp.protocol.JobResult}) with their validation. The conversation, in order:
 *
 * <ol>
 *   <li>worker to registry: {@link swamp.protocol.ToRegistry.Register}, found through the
 *       Receptionist under {@link swamp.protocol.ToRegistry#KEY};
 *   <li>registry to worker: {@link swamp.protocol.ToWorker.RegOk}, or
 *       {@link swamp.protocol.ToWorker.Declined} (try again) or
 *       {@link swamp.protocol.ToWorker.Refused} (exit 3);
 *   <li>master to worker: {@link swamp.protocol.ToWorker.Job},
 *       {@link swamp.protocol.ToWorker.CancelJob};
 *   <li>worker to master: {@link swamp.protocol.ToMaster.JobsFinished}, the finishes it had
 *       ready at once, answered by one {@link swamp.protocol.ToWorker.FinishAck}; or
 *       {@link swamp.protocol.ToMaster.JobRejected};
 *   <li>master to worker, when its dispatcher started again: {@link
 *       swamp.protocol.ToWorker.RegisterAgain}, answered by a Register;
 *   <li>master to worker: {@link swamp.protocol.ToWorker.Dismiss}; worker to registry:
 *       {@link swamp.protocol.ToRegistry.Unregister}.
 * </ol>
 *
 * <p>Everything here is plain data plus Pekko's {@code ActorRef}; it depends on nothing of swamp's.
 * Every record that crosses the wire implements {@link swamp.protocol.CborSerializable}, bound to
 * Jackson CBOR in this module's {@code reference.conf}.
 */
package swamp.protocol;
