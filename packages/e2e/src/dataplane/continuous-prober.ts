/**
 * Probes a set of connections over and over while something changes the policies, and records
 * every probe that did not get through: the evidence that a change never dropped a connection
 * that was allowed before it and is allowed after it.
 */
import type { Connection } from '@k8s-security-pro/core';
import { Dataplane, connectionKey } from './dataplane.js';

/** One failed probe of a connection that should have stayed open. */
export interface Drop {
  readonly connection: string;
  readonly outcome: string;
  /** Milliseconds after the prober started. */
  readonly atMs: number;
}

/**
 * A policy's refusal arrives at once (kube-router REJECTs); only a probe starved of CPU on a
 * loaded machine waits long. 1.5 s turned such probes into false drops at a load average of 40,
 * so a dropping enforcer's timeout counts after 5 s.
 */
const PROBE_TIMEOUT_MS = 5000;

export class ContinuousProber {
  private running = true;
  private readonly loop: Promise<void>;
  readonly drops: Drop[] = [];
  rounds = 0;
  probes = 0;
  private readonly started = Date.now();

  /** Starts probing `connections` in rounds right away; {@link stop} ends it. */
  constructor(
    private readonly dataplane: Dataplane,
    private readonly connections: readonly Connection[],
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const results = await this.dataplane.probeAll(this.connections, PROBE_TIMEOUT_MS);
      results.forEach((result, i) => {
        const connection = this.connections[i]!;
        if (!Dataplane.reached(result, connection.to)) this.drops.push({ connection: connectionKey(connection), outcome: result.outcome, atMs: Date.now() - this.started });
      });
      this.rounds++;
      this.probes += results.length;
    }
  }

  /** Finishes the round in progress and stops. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** The connections allowed both before and after a change (on TCP and UDP), which must never drop during it. */
export function allowedInBoth(before: readonly Connection[], after: readonly Connection[]): Connection[] {
  const allowedAfter = new Set(after.filter((c) => c.allowed).map(connectionKey));
  return before.filter((c) => c.allowed && c.protocol !== 'SCTP' && allowedAfter.has(connectionKey(c)));
}
