// `branch X uses P` and `profile B uses A`: the merge rules of docs/language.md
// ("branch and profile"), applied at every level of a profile chain.
import { describe, expect, it } from 'vitest';
import { analyzeFiles, analyzeText, at, branchOf, completeBranch, DEFAULT, errors, expectNoErrors, sourceIn } from './helpers.js';

const PROFILE = `profile base {
  edge listen udp 10.50.0.1:5060, tcp 10.50.0.1:5060
  lan 10.50.0.0/24, 10.51.0.0/24
  gateway pstn { kind fxo  channels 2  transport tcp }
  upstream cloud {
    proxy sip:cloud.example.com
    probe options every 30s timeout 3s
  }
  upstream backup { proxy sip:backup.example.com }
  timers { no-answer 8s  ringing 60s  budget 20s }
  phone shop 100 registered
  group counter parallel [shop] ring 25s
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival"  redirect 302 to pstn }
    pass 4xx, 6xx
    emergency 112 direct to pstn
    rewrite { match 0  strip 1 }
    rewrite { match 9  prefix +34 }
  }
  inbound from pstn {
    ring shop then ring counter
    did 100 to shop
    did 200 to counter
  }
}
`;

/** A branch using `base` from profile.surv with `settings`; returns the analysis and the branch. */
function withProfile(settings: string) {
  const branch = `use "profile.surv"\nbranch site uses base {\n${settings}\n}\n`;
  const analysis = analyzeFiles([{ uri: 'profile.surv', text: PROFILE }, { uri: 'site.surv', text: branch }]);
  return { analysis, b: branchOf(analysis, 'site'), text: branch };
}

describe('a branch that adds nothing takes every setting of its profile', () => {
  const { analysis, b } = withProfile('');

  it('records the profile', () => {
    expect(b.profiles).toEqual(['base']);
    expect(b.uri).toBe('site.surv');
    // The profile's gateway has no address: the branch must give it.
    expect(errors(analysis)).toEqual(["SURV032 gateway 'pstn' has no address (in branch 'site')"]);
  });

  it('edge, lan, gateways, upstreams, phones, groups, timers, register, outbound, inbound', () => {
    expect(b.listens.value.map((l) => `${l.transport} ${l.address}`)).toEqual(['udp 10.50.0.1', 'tcp 10.50.0.1']);
    expect(b.listens.origin).toEqual(sourceIn('profile.surv'));
    expect(b.lans.value.map((n) => n.cidr)).toEqual(['10.50.0.0/24', '10.51.0.0/24']);
    expect(b.gateways.map((g) => [g.name, g.kind.value, g.channels.value, g.transport.value])).toEqual([['pstn', 'fxo', 2, 'tcp']]);
    expect(b.upstreams.map((u) => u.name)).toEqual(['cloud', 'backup']);
    expect(b.phones.map((p) => p.name)).toEqual(['shop']);
    expect(b.groups.map((g) => [g.name, g.ringMs.value])).toEqual([['counter', 25_000]]);
    expect(b.timers.noAnswerMs).toEqual({ value: 8_000, origin: sourceIn('profile.surv') });
    expect(b.timers.t1Ms).toEqual({ value: 500, origin: DEFAULT });
    expect(b.register.forward).toEqual({ value: 'cloud', origin: sourceIn('profile.surv') });
    expect(b.outbound?.via.value).toEqual(['cloud']);
    expect(b.outbound?.onTimeout.value.map((a) => a.kind)).toEqual(['announce', 'redirect']);
    expect(b.inbound?.chain.value.map((s) => s.target)).toEqual(['shop', 'counter']);
    expect(b.inbound?.dids.map((d) => [d.number, d.target])).toEqual([['100', 'shop'], ['200', 'counter']]);
  });
});

describe('edge and lan: the nearest level that says it wins whole', () => {
  it('a branch lan replaces every profile network (lists are not merged)', () => {
    const { b } = withProfile('  lan 10.60.0.0/24');
    expect(b.lans.value.map((n) => n.cidr)).toEqual(['10.60.0.0/24']);
    expect(b.lans.origin).toEqual(sourceIn('site.surv'));
    expect(b.lans.value[0]?.origin).toEqual(sourceIn('site.surv'));
  });

  it('a branch edge replaces every profile listen', () => {
    const { b } = withProfile('  edge listen tls 10.60.0.1');
    expect(b.listens.value.map((l) => `${l.transport} ${l.address}:${l.port}`)).toEqual(['tls 10.60.0.1:5061']);
    expect(b.listens.origin).toEqual(sourceIn('site.surv'));
  });

  it('two edge (or lan) lines in one block add up; the nearer block still replaces them all', () => {
    const { b } = withProfile('  lan 10.60.0.0/24\n  lan 10.61.0.0/24');
    expect(b.lans.value.map((n) => n.cidr)).toEqual(['10.60.0.0/24', '10.61.0.0/24']);
  });
});

describe('gateways and upstreams: merged by name, property by property', () => {
  it('a branch gives just the address and keeps the profile kind, channels and transport', () => {
    const { b, analysis } = withProfile('  gateway pstn { address 10.50.0.3 }');
    expect(errors(analysis)).toEqual([]);
    const [pstn] = b.gateways;
    expect(pstn?.address).toEqual({ value: { address: '10.50.0.3', family: 4, port: 5060 }, origin: sourceIn('site.surv') });
    expect(pstn?.kind).toEqual({ value: 'fxo', origin: sourceIn('profile.surv') });
    expect(pstn?.channels).toEqual({ value: 2, origin: sourceIn('profile.surv') });
    expect(pstn?.transport).toEqual({ value: 'tcp', origin: sourceIn('profile.surv') });
    expect(pstn?.origin).toEqual(sourceIn('site.surv'));
  });

  it('a branch overrides one gateway property and keeps the rest', () => {
    const { b } = withProfile('  gateway pstn { address 10.50.0.3  channels 4 }');
    expect(b.gateways[0]?.channels).toEqual({ value: 4, origin: sourceIn('site.surv') });
    expect(b.gateways[0]?.kind.value).toBe('fxo');
  });

  it('a branch overrides the proxy of an upstream and keeps its probe', () => {
    const { b } = withProfile('  upstream cloud { proxy sip:other.example.com }');
    const cloud = b.upstreams.find((u) => u.name === 'cloud');
    expect(cloud?.proxy.value?.host).toBe('other.example.com');
    expect(cloud?.proxy.origin).toEqual(sourceIn('site.surv'));
    expect(cloud?.probe?.everyMs).toEqual({ value: 30_000, origin: sourceIn('profile.surv') });
    expect(cloud?.probe?.timeoutMs).toEqual({ value: 3_000, origin: sourceIn('profile.surv') });
  });

  it('a new gateway of the branch is added beside the profile ones', () => {
    const { b } = withProfile('  gateway pstn { address 10.50.0.3 }\n  gateway extra { address 10.50.0.4  kind pri }\n  inbound from pstn, extra { did 300 to shop }');
    expect(b.gateways.map((g) => g.name)).toEqual(['pstn', 'extra']);
  });
});

describe('phones and groups: merged by name', () => {
  it('a branch phone with the same name replaces the profile one', () => {
    const { b } = withProfile('  phone shop 101 at 10.50.0.10');
    expect(b.phones.map((p) => [p.name, p.extension.value, p.address.value?.address, p.registered])).toEqual([['shop', '101', '10.50.0.10', false]]);
    expect(b.phones[0]?.extension.origin).toEqual(sourceIn('site.surv'));
  });

  it('a branch group that leaves out `ring` keeps the profile group ring time (property by property)', () => {
    const { b } = withProfile('  phone desk 101 registered\n  group counter serial [shop, desk]');
    const counter = b.groups.find((g) => g.name === 'counter');
    expect(counter?.mode).toEqual({ value: 'serial', origin: sourceIn('site.surv') });
    expect(counter?.members.value).toEqual(['shop', 'desk']);
    expect(counter?.ringMs).toEqual({ value: 25_000, origin: sourceIn('profile.surv') });
  });

  it('a branch group ring wins', () => {
    const { b } = withProfile('  group counter parallel [shop] ring 10s');
    expect(b.groups[0]?.ringMs).toEqual({ value: 10_000, origin: sourceIn('site.surv') });
  });

  it('the ring time comes from the nearest level that gives one, across a profile chain; members and mode from the nearest line', () => {
    const text = `profile a {
  phone shop 100 registered
  group counter parallel [shop] ring 25s
}
profile b uses a {
  phone desk 101 registered
  group counter parallel [shop, desk]
}
${completeBranch('x', 71, '  group counter serial [desk]\n  inbound from pstn { ring counter }').replace('branch x {', 'branch x uses b {')}`;
    const analysis = analyzeText(text, 'chain.surv');
    expectNoErrors(analysis);
    const x = branchOf(analysis, 'x');
    const counter = x.groups.find((g) => g.name === 'counter');
    expect(counter?.ringMs).toEqual({ value: 25_000, origin: at('chain.surv', text, '25s') });
    expect(counter?.mode).toEqual({ value: 'serial', origin: sourceIn('chain.surv') });
    expect(counter?.members.value).toEqual(['desk']);
    // A ring step without `for` rings the group for its merged ring time.
    expect(x.inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['counter', 25_000]]);
  });
});

describe('timers and register: merged field by field', () => {
  it('the branch timers override only the fields they name', () => {
    const { b } = withProfile('  timers { t1 1s  no-answer 10s  budget 12s }');
    expect(b.timers.noAnswerMs).toEqual({ value: 10_000, origin: sourceIn('site.surv') });
    expect(b.timers.t1Ms).toEqual({ value: 1_000, origin: sourceIn('site.surv') });
    expect(b.timers.budgetMs).toEqual({ value: 12_000, origin: sourceIn('site.surv') });
    expect(b.timers.ringingMs).toEqual({ value: 60_000, origin: sourceIn('profile.surv') });
    expect(b.timers.t2Ms).toEqual({ value: 4_000, origin: DEFAULT });
  });

  it('the branch register adds keep local copy and keeps the profile forward', () => {
    const { b } = withProfile('  register { keep local copy }');
    expect(b.register.forward).toEqual({ value: 'cloud', origin: sourceIn('profile.surv') });
    expect(b.register.withPath.value).toBe(true);
    expect(b.register.keepLocalCopy).toEqual({ value: true, origin: sourceIn('site.surv') });
  });

  it('the branch register forward overrides the profile one', () => {
    const { b } = withProfile('  register { forward backup with path }');
    expect(b.register.forward).toEqual({ value: 'backup', origin: sourceIn('site.surv') });
  });
});

describe('outbound: via wins whole; on timeout, pass, emergency and the rewrite list each win whole', () => {
  it('a branch that names only via keeps every sub-statement of the profile', () => {
    const { b } = withProfile('  outbound from lan via backup, cloud { }');
    expect(b.outbound?.via).toEqual({ value: ['backup', 'cloud'], origin: sourceIn('site.surv') });
    expect(b.outbound?.onTimeout.value).toMatchObject([{ kind: 'announce', code: 181, reason: 'Survival' }, { kind: 'redirect', code: 302, gateway: 'pstn' }]);
    expect(b.outbound?.onTimeout.origin).toEqual(sourceIn('profile.surv'));
    expect(b.outbound?.pass).toEqual({ value: [{ class: 4 }, { class: 6 }], origin: sourceIn('profile.surv') });
    expect(b.outbound?.emergency).toEqual({ value: ['112'], origin: sourceIn('profile.surv') });
    expect(b.outbound?.emergencyGateway.value).toBe('pstn');
    expect(b.outbound?.rewrite.value.map((r) => [r.match, r.strip, r.prefix])).toEqual([['0', 1, ''], ['9', 0, '+34']]);
    expect(b.register.forward.value).toBe('cloud');
  });

  it('each sub-statement the branch gives replaces the profile one whole', () => {
    const { b } = withProfile(`  gateway local { address 10.50.0.9  kind fxo }
  outbound from lan via cloud {
    on timeout { relay to local }
    emergency 112, 091
    rewrite { match 8 }
  }
  inbound from pstn, local { }`);
    expect(b.outbound?.onTimeout.value).toMatchObject([{ kind: 'relay', gateway: 'local' }]);
    expect(b.outbound?.onTimeout.origin).toEqual(sourceIn('site.surv'));
    expect(b.outbound?.pass.origin).toEqual(sourceIn('profile.surv'));
    expect(b.outbound?.emergency).toEqual({ value: ['112', '091'], origin: sourceIn('site.surv') });
    // The branch's emergency has no `direct to`: the default is the (branch's) survival gateway.
    expect(b.outbound?.emergencyGateway).toEqual({ value: 'local', origin: DEFAULT });
    expect(b.outbound?.rewrite.value.map((r) => r.match)).toEqual(['8']);
    expect(b.outbound?.rewrite.origin).toEqual(sourceIn('site.surv'));
  });

  it('pass all in the branch replaces the profile pass list', () => {
    const { b } = withProfile('  outbound from lan via cloud { pass all }');
    expect(b.outbound?.pass).toEqual({ value: 'all', origin: sourceIn('site.surv') });
  });
});

describe('inbound: the ring chain wins whole; did mappings merge by number', () => {
  it('a branch with only dids keeps the profile chain; dids merge by number, nearer wins', () => {
    const { b } = withProfile('  phone office 101 registered\n  inbound from pstn { did 200 to shop  did 300 to office }');
    expect(b.inbound?.chain).toEqual({ value: expect.any(Array), origin: sourceIn('profile.surv') });
    expect(b.inbound?.chain.value.map((s) => s.target)).toEqual(['shop', 'counter']);
    expect(b.inbound?.dids.map((d) => [d.number, d.target, d.origin.kind === 'source' ? d.origin.uri : 'default'])).toEqual([
      ['100', 'shop', 'profile.surv'], ['200', 'shop', 'site.surv'], ['300', 'office', 'site.surv'],
    ]);
  });

  it('a branch ring chain replaces the whole profile chain', () => {
    const { b } = withProfile('  phone office 101 registered\n  inbound from pstn { ring office for 15s }');
    expect(b.inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['office', 15_000]]);
    expect(b.inbound?.chain.origin).toEqual(sourceIn('site.surv'));
    expect(b.inbound?.dids.map((d) => d.number)).toEqual(['100', '200']);
  });
});

describe('profile chains', () => {
  const text = `profile a {
  timers { no-answer 6s  ringing 30s  t1 250ms }
  gateway pstn { kind bri  channels 4 }
  upstream cloud { proxy sip:a.example.com }
}
profile b uses a {
  timers { ringing 45s }
  gateway pstn { channels 2 }
}
profile c uses b {
  timers { budget 12s }
}
branch x uses c {
  edge listen udp 10.70.0.1
  lan 10.70.0.0/24
  gateway pstn { address 10.70.0.3 }
  timers { t1 500ms }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
`;
  const analysis = analyzeText(text, 'chain.surv');
  const x = branchOf(analysis, 'x');

  it('lists the profiles nearest first', () => {
    expectNoErrors(analysis);
    expect(x.profiles).toEqual(['c', 'b', 'a']);
  });

  it('each level overrides the farther ones, field by field', () => {
    expect(x.timers.noAnswerMs.value).toBe(6_000); // a
    expect(x.timers.ringingMs.value).toBe(45_000); // b over a
    expect(x.timers.budgetMs.value).toBe(12_000); // c
    expect(x.timers.t1Ms.value).toBe(500); // x over a
    expect(x.gateways[0]?.channels.value).toBe(2); // b over a
    expect(x.gateways[0]?.kind.value).toBe('bri'); // a
    expect(x.gateways[0]?.address.value?.address).toBe('10.70.0.3'); // x
    expect(x.upstreams[0]?.proxy.value?.host).toBe('a.example.com'); // a
  });

  it('a profile that uses an unknown profile: SURV010, and the branch keeps what it has', () => {
    const a = analyzeText('profile p uses nope { timers { no-answer 5s } }\nbranch x uses p { lan 10.1.0.0/24 }');
    expect(a.diagnostics.filter((d) => d.code === 'SURV010').map((d) => d.message)).toEqual(["no profile named 'nope'"]);
    const b = branchOf(a, 'x');
    expect(b.profiles).toEqual(['p']);
    expect(b.timers.noAnswerMs.value).toBe(5_000);
  });

  it('a cycle is SURV013 and terminates', () => {
    const a = analyzeText('profile p uses q { }\nprofile q uses p { }\nbranch x uses p { lan 10.1.0.0/24 }');
    expect(a.diagnostics.some((d) => d.code === 'SURV013')).toBe(true);
    expect(branchOf(a, 'x').profiles).toEqual(['p', 'q']);
  });

  it('using a branch is SURV012, not a merge', () => {
    const a = analyzeText('branch y { lan 10.2.0.0/24 }\nbranch x uses y { lan 10.1.0.0/24 }');
    expect(a.diagnostics.filter((d) => d.code === 'SURV012').map((d) => d.message)).toEqual(["'y' is a branch; only a profile can be used"]);
    expect(branchOf(a, 'x').profiles).toEqual([]);
  });
});
