import { describe, expect, it } from 'vitest';
import { kubeRouterIpBlockPeers } from './ipset-net-semantics.js';

describe("kube-router's one hash:net set per rule", () => {
  it('leaves a rule with one ipBlock peer as it is', () => {
    const peers = [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { podSelector: {} }];
    expect(kubeRouterIpBlockPeers(peers)).toBe(peers);
  });

  it("applies one ipBlock's exception to the other ipBlocks of the rule", () => {
    expect(
      kubeRouterIpBlockPeers([{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }, { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }]),
    ).toEqual([{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24', '10.244.2.0/24'] } }]);
  });

  it('keeps a more specific cidr inside another peer’s exception, since the most specific entry wins', () => {
    expect(kubeRouterIpBlockPeers([{ namespaceSelector: {} }, { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }, { ipBlock: { cidr: '10.244.1.11/32' } }])).toEqual([
      { namespaceSelector: {} },
      { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } },
      { ipBlock: { cidr: '10.244.1.11/32' } },
    ]);
  });

  it('lets the later entry win when a cidr is both admitted and excepted', () => {
    expect(kubeRouterIpBlockPeers([{ ipBlock: { cidr: '10.244.2.0/24' } }, { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }])).toEqual([
      { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } },
    ]);
    expect(kubeRouterIpBlockPeers([{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }, { ipBlock: { cidr: '10.244.2.0/24' } }])).toEqual([
      { ipBlock: { cidr: '10.244.0.0/16' } },
      { ipBlock: { cidr: '10.244.2.0/24' } },
    ]);
  });
});
