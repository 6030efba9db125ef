/**
 * kube-router v2.1.0 as the NetworkPolicy enforcer, inside the node network namespace. Only its
 * network policy controller runs: the service proxy (GHSA-phqm-jgc3-qf8g), the router with its
 * BGP gRPC port (GHSA-v5mh-h5hx-7v92) and the load balancer allocator stay off, and so do its
 * health and metrics listeners. It is a test tool here, never shipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { toolPath } from '../process.js';

/** The flags it runs with: firewall only, every other controller and listener off. */
export function kubeRouterArgs(kubeconfig: string, nodeName: string): string[] {
  return [
    '--run-firewall=true',
    '--run-router=false',
    '--run-service-proxy=false',
    '--run-loadbalancer=false',
    `--kubeconfig=${kubeconfig}`,
    `--hostname-override=${nodeName}`,
    '--health-port=0',
    '--metrics-port=0',
    // Resync often: enforcement is event-driven, this only bounds a missed event.
    '--iptables-sync-period=5s',
    '--v=1',
  ];
}

/** A running kube-router; its log goes to `logFile`. */
export class KubeRouter {
  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static start(netns: string, kubeconfig: string, nodeName: string, logFile: string, onPid: (pid: number) => void): KubeRouter {
    const binary = toolPath('kube-router');
    const log = createWriteStream(logFile);
    const child = spawn('ip', ['netns', 'exec', netns, binary, ...kubeRouterArgs(kubeconfig, nodeName)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', NODE_NAME: nodeName },
    });
    if (child.pid !== undefined) onPid(child.pid);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return new KubeRouter(child, logFile);
  }

  /** The last lines of its log, for failure messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
