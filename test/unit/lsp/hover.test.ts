// Hover: keyword meanings with their Kamailio parameters and RFC sections,
// effective timer values with the post-dial delay, names with their resolved
// definition and provenance, reply codes. Helpers in the manner of Langium's
// expectHover: `hoverOn(example)(needle)(...fragments)`.
import { describe, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { keywordWords } from '../../../grammar/src/index.js';
import { hover } from '../../../server/src/lsp/hover.js';
import { keywordDocs, keywordMarkdown } from '../../../server/src/lsp/knowledge/keywords.js';
import { at, example, type Example } from './examples.js';
import { prepare } from './helper.js';

function hoverAt(text: string, others: Record<string, string> = {}, uri?: string): Hover | null {
  const { ctx, position } = prepare(text, others, uri);
  return hover(ctx, position);
}

const markdown = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

/** `hovers(text)(...fragments)`: the hover's Markdown contains every fragment. */
const hovers = (text: string, others: Record<string, string> = {}, uri?: string) => (...fragments: string[]) => {
  const value = markdown(hoverAt(text, others, uri));
  for (const f of fragments) expect(value).toContain(f);
};

/** `hoverOn(example)(needle with <|>)(...fragments)`. */
const hoverOn = (ex: Example) => (needle: string, nth = 1) => hovers(at(ex.text, needle, nth), ex.others, ex.uri);

const bilbao = example('examples/bilbao.surv');
const critical = example('examples/critical-branch.surv');
const profile = example('examples/petrol-stations/profile.surv');
const station01 = example('examples/petrol-stations/station-01.surv');
const station12 = example('examples/petrol-stations/station-12.surv');
const onBilbao = hoverOn(bilbao);
const onCritical = hoverOn(critical);

describe('hover on keywords', () => {
  it('every keyword of the lexer is documented', () => {
    for (const word of keywordWords) {
      expect(keywordDocs[word].text.length).toBeGreaterThan(10);
      expect(keywordMarkdown(word)).toContain(`**${word}**`);
    }
  });
  it('timers: the tm parameters and RFC 3261 sections', () => {
    onBilbao('no-<|>answer 10s')('**no-answer**', 'tm `fr_timer`');
    onBilbao('ring<|>ing 60s')('tm `fr_inv_timer`');
    hovers('branch b {\n  timers { t<|>1 500ms  t2 4s }\n}')('tm `retr_timer1`', 'RFC 3261 §17.1.1.1');
    hovers('branch b {\n  timers { t1 500ms  t<|>2 4s }\n}')('tm `retr_timer2`');
    hovers('branch b {\n  timers { try<|>ing 8s }\n}')('**trying**', 'tm `fr_inv_timer`', '`t_set_fr()`', '`onreply_route`', 'RFC 3261 §17.2.1', 'Default: the no-answer value');
  });
  it('probe: the dispatcher parameters', () =>
    onCritical('pro<|>be options')('dispatcher', '`ds_ping_interval`', '`ds_probing_threshold`', '`ds_inactive_threshold`'));
  it('with path: RFC 3327 and add_path()', () => onBilbao('with pa<|>th')('RFC 3327', '`add_path()`'));
  it('lan: ipops is_in_subnet', () => onBilbao('  la<|>n 10.222')('ipops `is_in_subnet'));
  it('announce: a provisional reply, RFC 3261 §21.1', () => onBilbao('anno<|>unce')('RFC 3261 §21.1 (provisional 1xx)'));
  it('redirect: RFC 3261 §21.3', () => onBilbao('redi<|>rect 302')('RFC 3261 §21.3'));
  it('caller-id and private: RFC 3325 P-Asserted-Identity, RFC 3323 Privacy: id, textops', () => {
    const text = 'branch b {\n  gateway g { address 10.0.0.3  kind fxo  caller-<|>id +34944123000 private }\n}\n';
    hovers(text)('RFC 3325 §9.1', '`append_hf("P-Asserted-Identity');
    hovers(text.replace('caller-<|>id', 'caller-id').replace('private', 'priv<|>ate'))('RFC 3323 §4.2', 'Privacy: id');
  });
  it('rewrite in a gateway or inbound: the called number, E.164', () =>
    hovers('branch b {\n  inbound from g { rewr<|>ite { match +34 strip 3 } }\n}\n')('ITU-T E.164', 'before the dids are matched'));
  it('tls and a phone transport: the tls module parameters, the transport of a phone', () => {
    hovers('branch b {\n  tls { cert<|>ificate "/etc/k/cert.pem"  key "/etc/k/key.pem" }\n}')('certificate "PATH"', 'tls module parameter `certificate`');
    hovers('branch b {\n  tls { certificate "/etc/k/cert.pem"  k<|>ey "/etc/k/key.pem" }\n}')('key "PATH"', '`private_key`');
    hovers('branch b {\n  tls { c<|>a "/etc/k/ca.pem" }\n}')('`ca_list`', 'Default: none: no client certificate asked');
    hovers('branch b {\n  t<|>ls { ca "/etc/k/ca.pem" }\n}')('kamailio-tls-modules', '`enable_tls=yes`');
    hovers('branch b {\n  phone p 101 at 10.0.0.5 trans<|>port tcp\n}')('For a phone, what it sends and is reached over', 'RFC 3261 §18');
  });

  it('limits: the pike, ratelimit and registrar parameters, and the values in effect', () => {
    const text = (cursor: string) => at(`${bilbao.text.replace('register { forward cloud with path }', 'register { forward cloud with path }\n  limits { per-source 10 per 5s  max-contacts 3 }')}`, cursor);
    hovers(text('per-sou<|>rce'), {}, bilbao.uri)('pike `reqs_density_per_unit`', '`sampling_time_unit`', '- per-source 10 per 5s (line 42)', '- outside 200 per 1s (default)');
    hovers(text('max-con<|>tacts'), {}, bilbao.uri)('registrar `max_contacts`', '- max-contacts 3 (line 42)', '- max-expires 1h (default)');
    hovers(text('10 pe<|>r 5s'), {}, bilbao.uri)('ratelimit `timer_interval`');
    hovers('branch b {\n  limits { out<|>side 200 per 1s }\n}')('ratelimit `pipe`', 'TAILDROP');
    hovers('branch b {\n  limits { max-exp<|>ires 1h }\n}')('registrar `max_expires`', 'Default: 1h');
  });
  it('local-calls: the edge rings the phone itself, with lookup("location"), never a gateway', () => {
    const text = 'branch b {\n  outbound from lan via c {\n    local-c<|>alls always\n  }\n}';
    hovers(text)('local-calls survival|always|off', 'exactly like an inbound call', '`lookup("location")`', 'RFC 3261 §16.6', 'Default: survival');
    hovers(text.replace('local-c<|>alls always', 'local-calls alw<|>ays'))('never go upstream');
  });
  it('keep local copy: registrar and usrloc', () => onCritical('path  keep lo<|>cal copy')('registrar', 'usrloc'));
  it('a keyword that means something else in a scenario', () => {
    onBilbao('reception no-an<|>swer')('`PHONE no-answer`', 'rings forever');
    hovers('branch b { }\nscenario "s" in b {\n  u try<|>ing\n}')('`UPSTREAM trying`', 'sends 100 Trying, then nothing', "branch's `trying` timer");
    hovers('branch b { }\nscenario "s" in b {\n  expect u marked do<|>wn at 3s\n}')('Probing marks the upstream down');
    hovers('branch b {\n  outbound from lan via u {\n    on time<|>out { relay to g }\n  }\n}')('**timeout** `on timeout');
  });
  it('the hover range is the token', () => {
    expect(hoverAt(at(bilbao.text, 'no-ans<|>wer 10s'), {}, bilbao.uri)?.range).toEqual({ start: { line: 32, character: 11 }, end: { line: 32, character: 20 } });
  });
  it('nothing on a comment', () => expect(hoverAt(at(bilbao.text, '# The central <|>PBX'), {}, bilbao.uri)).toBeNull());
});

describe('hover on timers: effective value and worst post-dial delay', () => {
  it('in a branch: the value, its line, and the delay against the budget', () =>
    onBilbao('no-<|>answer 10s')('**no-answer 10s** (line 33)', 'worst post-dial delay 1 upstream (cloud) × no-answer 10s = **10s**, within the budget of 15s (line 33)'));
  it('on the value itself', () => onBilbao('no-answer 1<|>0s')('`no-answer 10s`', 'worst post-dial delay'));
  it('a delay over the budget is called out', () =>
    hovers('branch b {\n  upstream a { proxy sip:a.example.com }\n  upstream c { proxy sip:c.example.com }\n  timers { bud<|>get 15s }\n  outbound from lan via a, c { }\n}')(
      '2 upstreams (a, c) × no-answer 10s = **20s**, **over** the budget of 15s'));
  it('trying: its value (default: the no-answer value) and the delay counting the longer of the two', () => {
    hovers('branch b {\n  upstream a { proxy sip:a.example.com }\n  timers { no-answer 5s  try<|>ing 8s  budget 15s }\n  outbound from lan via a { }\n}')(
      '**trying 8s** (line 3)', '1 upstream (a) × trying 8s = **8s**, within the budget of 15s (line 3)');
    onBilbao('no-<|>answer 10s')('× no-answer 10s = **10s**');
  });
  it('t1 adds Timer B', () => hovers('branch b {\n  timers { t<|>1 1s }\n}')('Timer B (64×T1) = 64s'));
  it('in a profile: every branch using it, grouped by what they see', () =>
    hoverOn(profile)('no-<|>answer 8s')(
      'In the 24 branches using profile station',
      'station-01, station-02, station-03 and 20 more: **no-answer 8s** (from profile station, profile.surv line 26)',
      'station-12: **no-answer 10s** (station-12.surv line 12)'));
  it('an inherited timer a branch overrides', () => hoverOn(station12)('t<|>1 1s')('**t1 1s** (line 12)', 'Timer B (64×T1) = 64s'));
  it('probe fields: the upstream\'s effective probing', () =>
    hoverOn(profile)('ev<|>ery 30s')('dispatcher `ds_ping_interval`', '**upstream cloud** in branch station-01', '- holdoff 2m (from profile station, profile.surv line 18)', 'every × down after + timeout = 62s'));
});

describe('hover on names', () => {
  it('a gateway: address, kind, channels with provenance', () =>
    onBilbao('gateway ps<|>tn')('**gateway pstn** · branch bilbao', '- address `10.10.1.3:5060` — line 26', '- kind `bri` — line 26', '- channels `2` — line 26', '- transport `udp` — default', 'survival gateway'));
  it('a gateway merged from a profile: the kind from the profile, channels by default', () =>
    hoverOn(station01)('gateway ps<|>tn')('- address `10.60.1.3:5060` — line 7', '- kind `fxo` — from profile station, profile.surv line 23', '- channels `1` — default for fxo'));
  it('a default channel count names the kind', () => onCritical('gateway isdn<|>30')('- channels `30` — default for pri'));
  it('an upstream: proxy and probe settings', () =>
    onCritical('upstream clo<|>ud')('- proxy `sip:pbx.health.example.net:5060` — line 28', '- probe every `15s` — line 33', '- holdoff `60s` — line 33', 'Tried first of 1 in `via`.'));
  it('a reference in a scenario resolves in its branch', () => {
    onBilbao('  des<|>k1 answers')('**phone desk1** (reference) · branch bilbao', '- extension `101` — line 36', '- address `10.222.237.11` — line 36');
    onBilbao('ring fro<|>nt')('**group front** (reference)', '- mode `parallel`', '- members `reception, desk1`', '- ring `20s` — line 37');
  });
  it('a name in a profile: as resolved in a branch using it', () =>
    hoverOn(profile)('  gateway ps<|>tn { kind')('**gateway pstn** · as resolved in branch station-01 (1 of 24 using profile station)', '- kind `fxo` — from profile station, profile.surv line 23'));
  it('a branch and a profile', () => {
    onBilbao('branch bil<|>bao')('**branch bilbao** · bilbao.surv', 'Uses no profile.', '1 gateway: pstn', 'timers: no-answer 10s · ringing 60s · budget 15s');
    hoverOn(station01)('uses stat<|>ion')('**profile station** · profile.surv line 13', 'Used by 24 branches: station-01, station-02');
  });
});

describe('hover on reply codes', () => {
  it('announce and redirect codes: the reason phrase', () => {
    onBilbao('announce 18<|>1')('**181 Call Is Being Forwarded** (RFC 3261 §21.1.3)');
    onBilbao('redirect 30<|>2')('**302 Moved Temporarily**');
    onBilbao('expect desk1 gets 40<|>4')('**404 Not Found**');
  });
  it('a class in a pass list', () => onCritical('pass 3xx, 4<|>xx')('**4xx** Request Failure (RFC 3261 §21.4)', '486 Busy Here'));
  it('a number that is not a code (an extension) has no hover', () => expect(hoverAt(at(bilbao.text, 'phone desk1 10<|>1'), {}, bilbao.uri)).toBeNull());
});

describe('hover on broken text', () => {
  const broken = example('examples/broken/syntax-errors.surv');
  it('a file with syntax errors: keywords, timers and names still resolve', () => {
    hoverOn(broken)('ring<|>ing 60s')('tm `fr_inv_timer`', '**ringing 60s** (line 15)');
    hoverOn(broken)('gateway ps<|>tn')('**gateway pstn** · branch syntax-errors', '- address `10.90.1.3:5060` — line 16');
  });
  it('an unfinished file: a keyword still has its meaning', () => hovers('branch b {\n  timers { no-ans<|>wer')('tm `fr_timer`'));
});
