/**
 * The process that stands for a pod's containers: run inside the pod's network namespace, it
 * listens on the pod's declared container ports and opens probe connections on request. One
 * per pod, spoken to over stdin/stdout in JSON lines, so a probe costs a message instead of a
 * process start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Protocol } from '@k8s-security-pro/core';

/** What a probe saw. Only `open` with the destination's own greeting counts as a connection. */
export type ProbeOutcome = 'open' | 'refused' | 'timeout' | 'error';

/** One probe's answer. */
export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  /** Who answered (the destination agent's identity), for `open`. */
  readonly peer?: string;
  /** The socket error code for `refused` and `error` (ECONNREFUSED, EHOSTUNREACH, ...). */
  readonly code?: string;
}

/** A port an agent listens on. SCTP is not offered: Node.js has no SCTP sockets, and the kernel here has none either (see sctpNotProbedReason). */
export interface ListenPort {
  readonly port: number;
  readonly protocol: Extract<Protocol, 'TCP' | 'UDP'>;
}

/**
 * The agent's source, run with `node -e`. argv: identity, JSON list of ListenPort, JSON map of
 * DNS names to IPv4 addresses (may be empty).
 * A TCP connection is answered with the identity and closed; a UDP datagram with the identity,
 * except a DNS query when names are given: then the agent answers as a DNS server (A records
 * from the map, NXDOMAIN for other names), so the chart's `test-dns` hook can run against it.
 * Refusals are ICMP errors: ECONNREFUSED (port unreachable), EHOSTUNREACH (host prohibited).
 */
const AGENT_SOURCE = String.raw`
const net = require('node:net');
const dgram = require('node:dgram');
const readline = require('node:readline');
const [identity, portsJson, dnsJson] = process.argv.slice(1);
const ports = JSON.parse(portsJson);
const dnsRecords = JSON.parse(dnsJson || '{}');
// A probe sends 'probe' (5 bytes): only a datagram with a whole DNS header and one question is taken as a query.
function dnsAnswer(query) {
  if (Object.keys(dnsRecords).length === 0 || query.length < 17 || (query[2] & 0x80) !== 0 || query.readUInt16BE(4) !== 1) return undefined;
  const labels = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) { const length = query[at]; labels.push(query.subarray(at + 1, at + 1 + length).toString('latin1')); at += 1 + length; }
  if (at + 5 > query.length) return undefined;
  const type = query.readUInt16BE(at + 1);
  const question = query.subarray(12, at + 5);
  const address = dnsRecords[labels.join('.').toLowerCase()];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | (address === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  const answers = address !== undefined && type === 1 ? [Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, ...address.split('.').map(Number)])] : [];
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const REFUSALS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM']);
let pending = ports.length;
const listening = () => { if (--pending <= 0) send({ ready: true }); };
if (pending === 0) send({ ready: true });
for (const { port, protocol } of ports) {
  if (protocol === 'UDP') {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (message, rinfo) => socket.send(dnsAnswer(message) ?? identity, rinfo.port, rinfo.address));
    socket.on('error', (error) => send({ fatal: 'udp ' + port + ': ' + error.message }));
    socket.bind(port, '0.0.0.0', listening);
  } else {
    const server = net.createServer((connection) => { connection.on('error', () => {}); connection.end(identity); });
    server.on('error', (error) => send({ fatal: 'tcp ' + port + ': ' + error.message }));
    server.listen(port, '0.0.0.0', listening);
  }
}
function probeTcp(request, done) {
  const socket = net.connect({ host: request.host, port: request.port });
  let data = '';
  const timer = setTimeout(() => { socket.destroy(); done({ outcome: 'timeout' }); }, request.timeoutMs);
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (data += chunk));
  socket.on('end', () => { clearTimeout(timer); socket.destroy(); done({ outcome: 'open', peer: data }); });
  socket.on('error', (error) => { clearTimeout(timer); done({ outcome: REFUSALS.has(error.code) ? 'refused' : 'error', code: error.code }); });
}
function probeUdp(request, done) {
  const socket = dgram.createSocket('udp4');
  let finished = false;
  const finish = (result) => { if (finished) return; finished = true; clearTimeout(timer); try { socket.close(); } catch {} done(result); };
  const timer = setTimeout(() => finish({ outcome: 'timeout' }), request.timeoutMs);
  socket.on('message', (message) => finish({ outcome: 'open', peer: message.toString('utf8') }));
  socket.on('error', (error) => finish({ outcome: REFUSALS.has(error.code) ? 'refused' : 'error', code: error.code }));
  socket.connect(request.port, request.host, (error) => {
    if (error) return finish({ outcome: 'error', code: error.code });
    socket.send('probe', (sendError) => { if (sendError) finish({ outcome: REFUSALS.has(sendError.code) ? 'refused' : 'error', code: sendError.code }); });
  });
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  const done = (result) => send({ id: request.id, ...result });
  if (request.protocol === 'UDP') probeUdp(request, done); else probeTcp(request, done);
}).on('close', () => process.exit(0));
`;

/** A running agent in one network namespace. */
export class PodAgent {
  private nextId = 0;
  private readonly waiting = new Map<number, (result: ProbeResult) => void>();
  private exited: string | undefined;

  private constructor(
    readonly identity: string,
    private readonly child: ChildProcess,
  ) {}

  /** The agent's process id, for teardown by PID. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts an agent inside network namespace `netns` and resolves once every port listens. With
   * `dnsRecords` (name -> IPv4), its UDP ports also answer DNS queries for those names.
   * @throws when it cannot listen on a port or exits first, with what it said.
   */
  static start(netns: string, identity: string, ports: readonly ListenPort[], onPid: (pid: number) => void, dnsRecords: Readonly<Record<string, string>> = {}): Promise<PodAgent> {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', AGENT_SOURCE, identity, JSON.stringify(ports), JSON.stringify(dnsRecords)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) onPid(child.pid);
    const agent = new PodAgent(identity, child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { ready?: boolean; fatal?: string; id?: number } & ProbeResult;
        if (message.ready) resolve(agent);
        else if (message.fatal) reject(new Error(`the agent of ${identity} could not listen: ${message.fatal}`));
        else if (message.id !== undefined) {
          const settle = agent.waiting.get(message.id);
          agent.waiting.delete(message.id);
          settle?.({ outcome: message.outcome, ...(message.peer !== undefined ? { peer: message.peer } : {}), ...(message.code ? { code: message.code } : {}) });
        }
      });
      child.on('exit', (code, signal) => {
        agent.exited = `exited (${code ?? signal})${stderr ? `: ${stderr.trim()}` : ''}`;
        reject(new Error(`the agent of ${identity} ${agent.exited}`));
        for (const settle of agent.waiting.values()) settle({ outcome: 'error', code: 'AGENT_EXITED' });
        agent.waiting.clear();
      });
    });
  }

  /** Opens one new connection (a new socket every time, so no conntrack entry is reused). */
  probe(host: string, port: number, protocol: ListenPort['protocol'], timeoutMs: number): Promise<ProbeResult> {
    if (this.exited) return Promise.resolve({ outcome: 'error', code: 'AGENT_EXITED' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, host, port, protocol, timeoutMs })}\n`);
    });
  }

  /** Ends the agent: closing stdin stops it; SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}
