/**
 * Lets a process in the node network namespace reach the API server, which listens on the
 * host's 127.0.0.1. A namespace's 127.0.0.1 is its own, and joining the two would change the
 * host's interfaces, so the bridge is a Unix socket (a file, visible from every namespace): a
 * relay inside the node namespace listens on its 127.0.0.1:<port> and pipes each connection
 * through the socket to this process, which pipes it on to the API server. TLS passes through
 * untouched, so the server certificate for 127.0.0.1 still verifies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const RELAY_SOURCE = String.raw`
const net = require('node:net');
const [port, socketPath] = process.argv.slice(1);
net.createServer((inbound) => {
  const outbound = net.connect(socketPath);
  inbound.pipe(outbound).pipe(inbound);
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
`;

/** The host half (a Unix socket server) and the node half (a relay process). */
export class ApiForwarder {
  private constructor(
    private readonly server: Server,
    private readonly relay: ChildProcess,
    private readonly open: Set<Socket>,
  ) {}

  get pid(): number {
    return this.relay.pid ?? -1;
  }

  /** Forwards `127.0.0.1:port` inside `netns` to `127.0.0.1:port` on the host. */
  static async start(netns: string, port: number, socketPath: string, onPid: (pid: number) => void): Promise<ApiForwarder> {
    const open = new Set<Socket>();
    const server = createServer((inbound) => {
      open.add(inbound);
      inbound.on('close', () => open.delete(inbound));
      const outbound = connect(port, '127.0.0.1');
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, resolve);
    });
    const relay = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', RELAY_SOURCE, String(port), socketPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (relay.pid !== undefined) onPid(relay.pid);
    const forwarder = new ApiForwarder(server, relay, open);
    const ready = new Promise<boolean>((resolve) => {
      relay.stdout?.once('data', () => resolve(true));
      relay.once('exit', () => resolve(false));
    });
    if (!(await Promise.race([ready, sleep(15_000).then(() => false)]))) {
      await forwarder.stop();
      throw new Error(`the API relay in network namespace ${netns} did not start`);
    }
    return forwarder;
  }

  async stop(): Promise<void> {
    if (this.relay.exitCode === null && this.relay.signalCode === null) {
      const gone = new Promise<void>((resolve) => this.relay.once('exit', () => resolve()));
      this.relay.kill('SIGKILL');
      await gone;
    }
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
