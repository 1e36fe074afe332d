/**
 * The worker side: {@link swamp.worker.WorkerActor} (the registration state machine that phones
 * home and takes jobs), {@link swamp.worker.WorkerLeaving} (how it ends: it drains on Dismiss or
 * SIGTERM, leaves and exits), {@link swamp.worker.WorkerProtocol} (what both are told), {@link
 * swamp.worker.WorkerJobs} and {@link swamp.worker.WorkerSlots} (the jobs it runs and those
 * waiting for a slot), {@link
 * swamp.worker.JobRunner} (one job, one process), {@link swamp.worker.ProgramCheck} (what a job
 * runs, and the dry run),
 * {@link swamp.worker.JobTable} (the jobs and unsent finishes that outlive a rejoin),
 * {@link swamp.worker.Executables} (the allow-list) and {@link swamp.worker.WorkerMain}.
 *
 * <p>Depends on shared-protocol only (its wire and {@code swamp.node}): a worker finds the master through the Receptionist, so it
 * needs nothing from master-node. The master depends on this package for its embedded local-exec
 * worker.
 */
package swamp.worker;
