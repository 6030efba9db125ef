/**
 * The life of a dataplane in a suite file: started (and given a topology) before the first test,
 * stopped after the last, and then checked to have left nothing behind: none of its network
 * namespaces, and the host's iptables/nft/ipset state exactly as before.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { ClusterModel } from '@k8s-security-pro/core';
import { Dataplane, type DataplaneOptions } from './dataplane.js';
import { hostRuleset } from './host-ruleset.js';
import { listNetns } from './netns.js';

/** Registers the hooks; call `current()` inside tests. */
export function useDataplane(topology?: ClusterModel, options: DataplaneOptions = {}): { current: () => Dataplane } {
  let dataplane: Dataplane | undefined;
  let hostBefore: string;

  beforeAll(async () => {
    hostBefore = await hostRuleset();
    dataplane = await Dataplane.start(options);
    if (topology) await dataplane.setTopology(topology);
  });

  afterAll(async () => {
    const prefix = dataplane?.namespacePrefix;
    await dataplane?.stop();
    if (prefix) expect(listNetns(prefix), 'network namespaces left behind').toEqual([]);
    expect(await hostRuleset(), "the host's iptables/nft/ipset state").toBe(hostBefore);
  });

  return {
    current: () => {
      if (!dataplane) throw new Error('the dataplane did not start (see the beforeAll error)');
      return dataplane;
    },
  };
}
