/** The flags that make a command read a live cluster instead of files, shared by audit and analyze. */
import { UsageError, type CommandIo } from '../io.js';
import type { LiveClusterSource } from './read-cluster.js';

/** parseArgs options for reading a live cluster. */
export const LIVE_CLUSTER_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  cluster: { type: 'boolean' },
} as const;

/** Usage lines for {@link LIVE_CLUSTER_FLAGS}. */
export const LIVE_CLUSTER_USAGE = `  --kubeconfig FILE  read the cluster of this kubeconfig instead of files
  --context NAME     kubeconfig context to use (default: its current context);
                     without --kubeconfig, from $KUBECONFIG or ~/.kube/config
  --cluster          read the current context of $KUBECONFIG or ~/.kube/config
                     (read-only list calls on namespaces, pods, networkpolicies,
                     and ClusterNetworkPolicy/AdminNetworkPolicy where served)`;

/**
 * Where to read from: a live cluster when any live flag is given (never together with paths),
 * otherwise the paths, which must not be empty.
 */
export function liveSourceOf(
  values: { kubeconfig?: string; context?: string; cluster?: boolean },
  positionals: readonly string[],
  io: CommandIo,
  command: string,
): LiveClusterSource | undefined {
  const live = values.kubeconfig !== undefined || values.context !== undefined || values.cluster === true;
  if (live && positionals.length > 0) {
    throw new UsageError(`${command} reads either files or a cluster: give PATH... or --kubeconfig/--context/--cluster, not both`);
  }
  if (!live && positionals.length === 0) {
    throw new UsageError(`${command} needs files or a cluster: k8s-security ${command} PATH... (- for stdin), or --kubeconfig FILE, --context NAME or --cluster`);
  }
  if (!live) return undefined;
  return {
    cwd: io.cwd,
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context !== undefined ? { context: values.context } : {}),
    ...(io.env ? { env: io.env } : {}),
  };
}
