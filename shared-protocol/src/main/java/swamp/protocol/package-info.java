/**
 * The wire between swamp's nodes: one final class per conversation ({@link RegistryProtocol},
 * {@link WorkerProtocol}, {@link DispatchProtocol}), the value types they carry ({@link WorkerOffer},
 * {@link JobSpec}, {@link JobResult}) and their validation.
 *
 * <p>Everything here is plain data plus Pekko's {@code ActorRef}; it depends on nothing of swamp's.
 * Both worker-node and master-node depend on this module, never the reverse. Every record that
 * crosses the wire implements {@link CborSerializable}, bound to Jackson CBOR in this module's
 * {@code reference.conf}.
 */
package swamp.protocol;
