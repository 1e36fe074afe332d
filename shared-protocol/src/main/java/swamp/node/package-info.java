/**
 * What both node kinds need besides the wire: node addresses and port probes
 * ({@link swamp.node.NodeAddress}, {@link swamp.node.NodeProbe}), reading and checking
 * configuration ({@link swamp.node.ConfigCheck}), the pool's credentials and the variables that
 * hold them ({@link swamp.node.Credentials}, {@link swamp.node.SelfSigned}), process start
 * settings ({@link swamp.node.ProcessLaunch}), exit codes ({@link swamp.node.ExitCodes}), the
 * dispatchers for blocking work ({@link swamp.node.Blocking}) and how every swamp JVM logs
 * ({@link swamp.node.Logging}). Both node mains depend on it;
 * nothing in it depends on a node.
 */
package swamp.node;
