/**
 * The master node. {@link swamp.master.MasterMain} is its command line: the settings, the journal,
 * the actor system; {@link swamp.master.MasterNode} runs it: the node's guardian, the embedded
 * local-exec worker, the HTTP API, the shutdown. {@link swamp.master.MasterActor} is the cluster
 * singleton that owns the master's actors (the dispatcher, the registry, the node watcher, the
 * pool scaler) and routes the API's questions to them; {@link swamp.master.MasterSettings} is what
 * it reads from {@code swamp.master}.
 *
 * <p>The packages below, from the edge down (an arrow only ever points down):
 * {@code cli} and {@code bench} (the command lines and the benchmark) over this package, over
 * {@code api} (HTTP and its JSON), over {@code pool} (the worker directory and the scaler), over
 * {@code dispatch} (the queue, the book, the journal), over {@code membership} (the registry and
 * node watching). {@code script} (planning shell scripts) depends on none of them. See
 * docs/architecture.md.
 */
package swamp.master;
