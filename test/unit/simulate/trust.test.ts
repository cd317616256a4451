// The trust model of the simulator's edge (docs/security.md): every request classified
// by its source address before any routing decision, a stranger's `sends` line answered
// 403 Forbidden with nothing relayed, the replies to upstreams and gateways where the
// model forbids them, and the test-only `trust: 'open'` edge that reproduces the open
// relay the model closes (so SURV086 is shown to fail on it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../../engines/simulate/index.js';
import { verifyBranch } from '../../../engines/verify/index.js';
import { strangerKinds } from '../../../engines/verify/space.js';
import { eventLine } from '../../../engines/verify/text.js';
import { causes, load, root, simulateText } from './helpers.js';

const BILBAO = readFileSync(resolve(root, 'examples/bilbao.surv'), 'utf8');

/** bilbao plus one scenario `t` with `lines`. */
const withLines = (...lines: string[]) => `${BILBAO}\nscenario "t" in bilbao {\n  ${lines.join('\n  ')}\n}\n`;

/** The first line of a message's text (request line or status line). */
const startLines = (r: SimulationResult, to: string) => r.trace.filter((t) => t.to === to).map((t) => t.text.split('\r\n')[0]);

describe('a stranger (outside every LAN, upstream and gateway)', () => {
  it('gets 403 Forbidden, stateless (no 100, a To-tag), for an INVITE to the gateway; its ACK is dropped; nothing reaches pstn', () => {
    const r = simulateText(withLines('stranger 203.0.113.9 sends INVITE sip:0900123456@10.10.1.3', 'expect stranger gets 403 "Forbidden"', 'expect pstn receives nothing'), 't');
    expect(causes(r.trace)).toEqual([
      '0 stranger>edge INVITE | scenario: stranger sends INVITE',
      '0 edge>stranger 403 | surv: refused INVITE from 203.0.113.9:5060: outside the trust model',
      '0 stranger>edge ACK | ACK for 403',
    ]);
    const reply = r.trace[1]!.text;
    expect(reply).toMatch(/^SIP\/2\.0 403 Forbidden\r\n/);
    expect(reply).toMatch(/^To: <sip:0900123456@10\.10\.1\.3>;tag=\S+\r$/m);
    expect(r.verdicts.map((v) => `${v.status} ${v.message}`)).toEqual(['pass stranger got 403 at 0s', 'pass pstn received nothing a sends line started']);
    expect(r.calls).toEqual([]);
  });

  it.each([
    ['a preloaded Route to the gateway', 'INVITE sip:0900@10.222.237.1 route sip:10.222.237.1;lr, sip:10.10.1.3;lr', 'INVITE'],
    ['an INVITE straight to a phone', 'INVITE sip:101@10.222.237.11', 'INVITE'],
    ['a REGISTER', 'REGISTER sip:10.222.237.1', 'REGISTER'],
    ['an OPTIONS to the proxy', 'OPTIONS sip:10.222.237.1', 'OPTIONS'],
    ['a MESSAGE to a phone', 'MESSAGE sip:101@10.222.237.11', 'MESSAGE'],
    ['a BYE with a forged To-tag', 'BYE sip:101@10.222.237.11 route sip:10.222.237.1;lr to-tag', 'BYE'],
  ])('%s: 403 Forbidden and nothing relayed', (_, request, method) => {
    const r = simulateText(withLines(`stranger 198.51.100.7 sends ${request}`), 't');
    expect(r.trace.filter((t) => t.from === 'edge').map((t) => `${t.to} ${t.summary} ${t.method}`)).toEqual([`stranger 403 ${method}`]);
    expect(r.trace.every((t) => t.from === 'stranger' || t.to === 'stranger')).toBe(true);
  });

  it('the forged To-tag and the Route set are on the wire as written', () => {
    const r = simulateText(withLines('stranger 198.51.100.7 sends BYE sip:101@10.222.237.11 route sip:10.222.237.1;lr, sip:10.222.237.11;lr to-tag at 3s'), 't');
    const bye = r.trace[0]!;
    expect(bye.atMs).toBe(3000);
    expect(bye.text).toMatch(/^Route: <sip:10\.222\.237\.1;lr>, <sip:10\.222\.237\.11;lr>\r$/m);
    expect(bye.text).toMatch(/^To: <sip:101@10\.222\.237\.11>;tag=forged\d+\r$/m);
    expect(bye.text).toMatch(/^CSeq: 2 BYE\r$/m);
  });
});

describe('upstreams and gateways, where the model forbids', () => {
  it.each([
    ['cloud sends INVITE sip:0900@10.10.1.3', '403 Relaying Denied', 'INVITE from upstream cloud to gateway pstn: refused'],
    ['cloud sends INVITE sip:0900@198.51.100.7', '403 Relaying Denied', 'INVITE from upstream cloud to 198.51.100.7: refused'],
    ['cloud sends INVITE sip:101@10.222.237.1', '403 Relaying Denied', 'INVITE from upstream cloud to 101 at this proxy (no local copy of registrations): refused'],
    ['cloud sends INVITE sip:101@10.222.237.1 route sip:10.222.237.1;lr, sip:10.10.1.3;lr', '403 Preloaded Route Refused', 'INVITE from pbx.example.com:5060 with a Route past this proxy: refused'],
    ['cloud sends REGISTER sip:10.222.237.1', '403 Not From This Branch', 'REGISTER from upstream cloud (pbx.example.com:5060): not from the LAN'],
    ['pstn sends MESSAGE sip:101@10.222.237.11', '403 Relaying Denied', 'MESSAGE from gateway pstn: a gateway only places calls'],
    ['pstn sends REGISTER sip:10.222.237.1', '403 Not From This Branch', 'REGISTER from gateway pstn (10.10.1.3:5060): not from the LAN'],
    ['cloud sends OPTIONS sip:10.222.237.1', '200 OK', 'OPTIONS to this proxy: keepalive'],
    ['pstn sends OPTIONS sip:10.222.237.1', '200 OK', 'OPTIONS to this proxy: keepalive'],
  ])('%s: %s', (line, reply, cause) => {
    const r = simulateText(withLines(line), 't');
    const sender = line.split(' ')[0]!;
    expect(r.trace.filter((t) => t.from === 'edge').map((t) => `${t.to} ${t.text.split('\r\n')[0]!.replace('SIP/2.0 ', '')} | ${t.cause}`)).toEqual([`${sender} ${reply} | ${cause}`]);
  });

  it('an upstream reaches a LAN phone: relayed with Record-Route, answered, and hung up through the edge', () => {
    const r = simulateText(withLines('cloud sends INVITE sip:101@10.222.237.11', 'expect desk1 answers'), 't');
    expect(causes(r.trace).slice(0, 8)).toEqual([
      '0 cloud>edge INVITE | scenario: cloud sends INVITE',
      '0 edge>cloud 100 | tm: auto 100 Trying',
      '0 edge>desk1 INVITE | from upstream cloud: to LAN address 10.222.237.11',
      '0 desk1>edge 180 | desk1 rings',
      '0 edge>cloud 180 | 180 from desk1 relayed',
      '2000 desk1>edge 200 | desk1 answers',
      '2000 edge>cloud 200 | 200 from desk1 relayed',
      '2000 cloud>edge ACK | ACK for 200',
    ]);
    expect(r.trace.find((t) => t.to === 'desk1' && t.summary === 'INVITE')!.text).toMatch(/^Record-Route: <sip:10\.222\.237\.1;lr>\r$/m);
    expect(startLines(r, 'desk1')).toEqual(['INVITE sip:101@10.222.237.11 SIP/2.0', 'ACK sip:101@10.222.237.11 SIP/2.0', 'BYE sip:101@10.222.237.11 SIP/2.0']);
    expect(r.verdicts[0]!.status).toBe('pass');
  });

  it('with keep local copy: an upstream reaches a registered extension through its registration, else 404 Not Found', () => {
    const text = BILBAO.replace('register { forward cloud with path }', 'register { forward cloud with path  keep local copy }');
    const scenario = (...lines: string[]) => `${text}\nscenario "t" in bilbao {\n  ${lines.join('\n  ')}\n}\n`;
    const none = simulateText(scenario('cloud sends INVITE sip:101@10.222.237.1'), 't');
    expect(none.trace.filter((t) => t.from === 'edge').map((t) => `${t.to} ${t.summary} | ${t.cause}`)).toEqual([
      'cloud 404 | INVITE from upstream cloud: lookup("location") found no registration for 101',
    ]);
    const registered = simulateText(scenario('desk1 registers', 'cloud sends INVITE sip:101@10.222.237.1 at 1s'), 't');
    expect(registered.trace.filter((t) => t.to === 'desk1' && t.summary === 'INVITE').map((t) => `${t.atMs} ${t.text.split('\r\n')[0]!} | ${t.cause}`)).toEqual([
      '1000 INVITE sip:101@10.222.237.11 SIP/2.0 | from upstream cloud: lookup("location") desk1',
    ]);
  });

  it('a phone outside every LAN is a stranger to the edge: its call gets 403 Forbidden', () => {
    const text = BILBAO.replace('phone desk1 101 at 10.222.237.11', 'phone desk1 101 at 10.99.0.11');
    const r = simulateText(`${text}\nscenario "t" in bilbao {\n  desk1 calls 944000000\n}\n`, 't');
    expect(r.trace.filter((t) => t.from === 'edge').map((t) => `${t.to} ${t.summary}`)).toEqual(['desk1 403']);
  });
});

describe('trust open: the edge before the trust model (test-only)', () => {
  const open = (...lines: string[]) => simulateText(withLines(...lines), 't', { trust: 'open' });

  it('relays a stranger\'s call to the gateway (Request-URI host), a preloaded Route and a LAN address', () => {
    expect(startLines(open('stranger 203.0.113.9 sends INVITE sip:0900123456@10.10.1.3'), 'pstn')[0]).toBe('INVITE sip:0900123456@10.10.1.3 SIP/2.0');
    expect(startLines(open('stranger 203.0.113.9 sends INVITE sip:0900@10.222.237.1 route sip:10.222.237.1;lr, sip:10.10.1.3;lr'), 'pstn')[0]).toBe('INVITE sip:0900@10.222.237.1 SIP/2.0');
    expect(startLines(open('stranger 203.0.113.9 sends INVITE sip:101@10.222.237.11'), 'desk1')[0]).toBe('INVITE sip:101@10.222.237.11 SIP/2.0');
    const foreign = open('stranger 203.0.113.9 sends MESSAGE sip:1@10.222.237.1 route sip:10.222.237.1;lr, sip:198.51.100.7;lr');
    expect(foreign.trace.filter((t) => t.from === 'edge').map((t) => `${t.to} ${t.summary} | ${t.cause}`)[0]).toBe('198.51.100.7 MESSAGE | loose_route(): the next Route');
  });

  it('the expectations say so', () => {
    const r = open('stranger 203.0.113.9 sends INVITE sip:0900123456@10.10.1.3', 'expect stranger gets 403', 'expect pstn receives nothing');
    expect(r.verdicts.map((v) => `${v.status} ${v.message}`)).toEqual([
      'fail stranger never got 403 (got 180 at 0s, 200 at 2s, 200 at 7s)',
      'fail pstn received INVITE from edge at 0s (and 2 more)',
    ]);
  });
});

describe('verify: SURV086 over every example', () => {
  const examples = [
    ['examples/bilbao.surv'], ['examples/two-head-offices.surv'], ['examples/critical-branch.surv'], ['examples/ipv6-branch.surv'],
    ['examples/petrol-stations/profile.surv', 'examples/petrol-stations/station-01.surv'],
  ];

  it.each(examples)('%s: nothing with the trust model; SURV086 with trust open', (...files) => {
    for (const branch of load(files).branches) {
      expect(verifyBranch(branch).violations.filter((v) => v.code === 'SURV086')).toEqual([]);
      expect(verifyBranch(branch, { trust: 'open' }).violations.map((v) => v.code)).toContain('SURV086');
    }
  });

  it('the requests from outside it tried on bilbao', () => {
    expect(strangerKinds(load(['examples/bilbao.surv']).branches[0]!).map(eventLine)).toEqual([
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.10.1.3',
      'stranger 203.0.113.9 sends INVITE sip:100@10.222.237.10',
      'stranger 203.0.113.9 sends INVITE sip:101@10.222.237.11',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@pbx.example.com',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@203.0.113.10',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.222.237.1',
      'stranger 203.0.113.9 sends INVITE sip:112@10.222.237.1',
      'stranger 203.0.113.9 sends INVITE sip:091@10.222.237.1',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.222.237.1 route sip:10.222.237.1;lr, sip:10.10.1.3;lr',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.222.237.1 route sip:10.222.237.1;lr, sip:10.222.237.10;lr',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.222.237.1 route sip:10.222.237.1;lr, sip:10.222.237.11;lr',
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.222.237.1 route sip:10.222.237.1;lr, sip:203.0.113.10;lr',
      'stranger 203.0.113.9 sends REGISTER sip:10.222.237.1',
      'stranger 203.0.113.9 sends OPTIONS sip:10.222.237.1',
      'stranger 203.0.113.9 sends MESSAGE sip:100@10.222.237.10',
      'stranger 203.0.113.9 sends BYE sip:0900123456@10.10.1.3 route sip:10.222.237.1;lr to-tag',
      'stranger 203.0.113.9 sends BYE sip:0900123456@10.222.237.10 route sip:10.222.237.1;lr to-tag',
      'cloud sends INVITE sip:0900123456@10.10.1.3',
      'cloud sends INVITE sip:0900123456@203.0.113.10',
      'cloud sends INVITE sip:0900123456@10.222.237.1 route sip:10.222.237.1;lr, sip:10.10.1.3;lr',
      'cloud sends REGISTER sip:10.222.237.1',
      'cloud sends MESSAGE sip:0900123456@203.0.113.10',
    ]);
  });

  it('is deterministic: the same report twice', () => {
    const branch = load(['examples/bilbao.surv']).branches[0]!;
    expect(JSON.stringify(verifyBranch(branch, { trust: 'open' }))).toBe(JSON.stringify(verifyBranch(branch, { trust: 'open' })));
  });
});
