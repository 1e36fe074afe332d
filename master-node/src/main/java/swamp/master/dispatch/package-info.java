/**
 * The queue and the assignment of jobs to slots: {@link swamp.master.dispatch.JobDispatcher}, the
 * event-sourced actor; {@link swamp.master.dispatch.JobBook}, its pure state; the events it
 * journals ({@link swamp.master.dispatch.JobEvent}), the snapshots
 * ({@link swamp.master.dispatch.SnapshotSerializer}), the journal's configuration and checks
 * ({@link swamp.master.dispatch.Journal}, {@link swamp.master.dispatch.JournalGuard}) and the
 * answers to queries ({@link swamp.master.dispatch.Views}).
 */
package swamp.master.dispatch;
