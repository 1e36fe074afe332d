/**
 * The queue and the assignment of jobs to slots:
 *
 * <ul>
 *   <li>{@link swamp.master.dispatch.JobDispatcher}, the event-sourced actor: it takes clients'
 *       commands, workers' reports (through the {@link swamp.master.dispatch.Inbox}) and the
 *       registry's membership events, journals what each changes, and answers queries; what it
 *       is told and answers is {@link swamp.master.dispatch.DispatcherProtocol}; {@link
 *       swamp.master.dispatch.Restarting} makes a new one when a journal write fails;
 *   <li>{@link swamp.master.dispatch.JobLifecycle}, its decisions (submit, admission and
 *       reconciliation, finishes, rejections, losses, cancels, dispatch, prefetch and hand-backs),
 *       actor-free on an injected clock;
 *   <li>its state: {@link swamp.master.dispatch.JobBook} (jobs and the events it keeps for the
 *       journal) with its {@link swamp.master.dispatch.JobQueues}, {@link
 *       swamp.master.dispatch.Retention} and {@link swamp.master.dispatch.JobKeys}, mapped to and
 *       from snapshots by {@link swamp.master.dispatch.BookSnapshots}; {@link
 *       swamp.master.dispatch.Job}, {@link
 *       swamp.master.dispatch.SlotTable} (the workers' slots, not journaled), {@link
 *       swamp.master.dispatch.Runs}, {@link swamp.master.dispatch.OutputBudget};
 *   <li>who waits: {@link swamp.master.dispatch.LongPolls} (a client's long poll), {@link
 *       swamp.master.dispatch.DemandWatch} (the pool scaler's demand), {@link
 *       swamp.master.dispatch.Watchers} (the live feed and metrics);
 *   <li>the journal: the events ({@link swamp.master.dispatch.JobEvent}), the snapshots ({@link
 *       swamp.master.dispatch.SnapshotSerializer}), its configuration ({@link
 *       swamp.master.dispatch.Journal}), its checks ({@link swamp.master.dispatch.JournalGuard}),
 *       its diagnosis, recovery from a snapshot and compaction ({@link
 *       swamp.master.dispatch.JournalRepair});
 *   <li>the answers to queries ({@link swamp.master.dispatch.Views}, {@link
 *       swamp.master.dispatch.Placement}).
 * </ul>
 */
package swamp.master.dispatch;
