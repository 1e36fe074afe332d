/**
 * The master side: {@link swamp.master.MasterActor} (the cluster singleton that owns the pool),
 * {@link swamp.master.WorkerRegistry} (membership), {@link swamp.master.JobDispatcher} with its
 * {@link swamp.master.JobBook} (the queue and the assignment of jobs to slots), the HTTP API and
 * {@link swamp.master.MasterMain}. The CLI client lives in {@code swamp.master.cli}.
 *
 * <p>Depends on shared-protocol and on worker-node, whose WorkerActor is the master's embedded
 * local-exec worker; nothing depends on this package but the integration tests.
 */
package swamp.master;
