// What each scenario of fixtures/replay/local.surv is about, checked on Kamailio's side
// alone (replay.test.ts runs them): a call to a number of the branch is rung by the edge
// itself (the phone's own Request-URI), never sent to the gateway; with `local-calls
// always` the upstream never sees it.
import { expect } from 'vitest';
import type { ReplayResult } from '../../io/replay/index.js';

function wire(r: ReplayResult, from: string, to: string, summary: string) {
  return r.wire.filter((w) => w.from === from && w.to === to && w.summary === summary);
}

/** The Request-URIs of the INVITEs the edge sent to `to`. */
function invites(r: ReplayResult, to: string): string[] {
  return wire(r, 'edge', to, 'INVITE').map((w) => w.text.split(' ')[1]!);
}

/** Nothing of this run reached the branch's gateway. */
const noGateway = (r: ReplayResult, gateway = 'pstn') => expect(r.wire.filter((w) => w.to === gateway)).toEqual([]);

export const localAbout: Record<string, (r: ReplayResult) => void> = {
  'cloud silent: desk1 calls 102, the edge rings desk2': (r) => {
    expect(invites(r, 'desk2')).toEqual(['sip:102@127.0.20.11']);
    // The announcement first, then the phone rung from the failure route, at the same instant.
    const [r181] = wire(r, 'edge', 'desk1', '181');
    expect(wire(r, 'edge', 'desk2', 'INVITE')[0]!.atMs - r181!.atMs).toBeLessThan(5);
    expect(wire(r, 'edge', 'desk1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
    noGateway(r);
  },
  'cloud silent: desk1 calls group 200, desk3 answers': (r) => {
    expect(invites(r, 'desk2')).toEqual(['sip:102@127.0.20.11']);
    expect(invites(r, 'desk3')).toEqual(['sip:103@127.0.20.12']);
    expect(wire(r, 'edge', 'desk2', 'CANCEL')).toHaveLength(1);
    noGateway(r);
  },
  'cloud silent: desk1 calls serial group 300, desk3 answers': (r) => {
    // desk3 only after desk2 rang out for the group's 2 s.
    const gap = wire(r, 'edge', 'desk3', 'INVITE')[0]!.atMs - wire(r, 'edge', 'desk2', 'INVITE')[0]!.atMs;
    expect(gap).toBeGreaterThan(2000 - 150);
    expect(gap).toBeLessThan(2000 + 150);
    noGateway(r);
  },
  'cloud answers 503: desk1 calls 103, the edge rings desk3': (r) => {
    expect(wire(r, 'cloud', 'edge', '503')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '500')).toHaveLength(0);
    expect(invites(r, 'desk3')).toEqual(['sip:103@127.0.20.12']);
    noGateway(r);
  },
  'cloud silent, desk2 unreachable: 480, not the gateway': (r) => {
    expect(wire(r, 'edge', 'desk1', '480')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk2', 'INVITE').length).toBeGreaterThan(1);
    noGateway(r);
  },
  'cloud silent: desk1 calls 944000000, relayed to pstn': (r) => {
    // Any other number still takes the gateway.
    expect(invites(r, 'pstn')).toEqual(['sip:944000000@127.0.20.3']);
  },
  'cloud3 marked down: desk6 calls 102, rung at once': (r) => {
    // Survival from the request route: the 181 first (no 100 Trying), then desk7 rung, no INVITE upstream.
    expect(r.wire.filter((w) => w.to === 'desk6' && w.method === 'INVITE').map((w) => w.summary).slice(0, 3)).toEqual(['181', '180', '200']);
    expect(wire(r, 'edge', 'cloud3', 'INVITE')).toEqual([]);
    expect(invites(r, 'desk7')).toEqual(['sip:102@127.0.20.50']);
    noGateway(r, 'pstn3');
  },
  'local-calls always: desk4 calls 102, cloud2 never sees it': (r) => {
    expect(r.wire.filter((w) => w.to === 'cloud2')).toEqual([]);
    expect(invites(r, 'desk5')).toEqual(['sip:102@127.0.20.21']);
    noGateway(r, 'pstn2');
  },
};
