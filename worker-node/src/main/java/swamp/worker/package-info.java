/**
 * The worker side: {@link swamp.worker.WorkerActor} (the registration state machine that phones
 * home, runs jobs and drains on Dismiss), {@link swamp.worker.JobRunner} (one job, one process),
 * {@link swamp.worker.JobTable} (the jobs and unsent finishes that outlive a rejoin),
 * {@link swamp.worker.Executables} (the allow-list) and {@link swamp.worker.WorkerMain}.
 *
 * <p>Depends on shared-protocol only (its wire and {@code swamp.node}): a worker finds the master through the Receptionist, so it
 * needs nothing from master-node. The master depends on this package for its embedded local-exec
 * worker.
 */
package swamp.worker;
