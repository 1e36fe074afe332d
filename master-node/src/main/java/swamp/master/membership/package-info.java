/**
 * Who is in the pool: {@link swamp.master.membership.WorkerRegistry} admits and refuses workers
 * and dismisses them; {@link swamp.master.membership.NodeWatcher} watches their nodes (and the
 * other master nodes) and downs one whose process is gone.
 */
package swamp.master.membership;
