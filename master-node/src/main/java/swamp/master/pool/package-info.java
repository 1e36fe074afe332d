/**
 * The master grows and shrinks its own pool: the worker directory
 * ({@code swamp.master.directory}, read by {@link swamp.master.pool.PoolSettings}), the
 * {@link swamp.master.pool.PoolScaler} actor that the MasterActor starts when the directory is
 * not empty, its pure {@link swamp.master.pool.ScalingPolicy}, and the launchers that start,
 * cancel and watch workers as local processes, Slurm or Grid Engine jobs, or through command
 * templates.
 *
 * <p>Depends on {@code dispatch} (the demand query), {@code membership} (dismissals) and
 * {@code swamp.node} (the grid dispatcher, node addresses); {@code swamp.master} (MasterActor,
 * MasterMain) and {@code api} use it.
 */
package swamp.master.pool;
