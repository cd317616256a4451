// The small URI helpers the engine uses instead of parsing (the package cannot parse IPv6 hosts).
import { describe, expect, it } from 'vitest';
import { hostPort, uriHost, uriUser } from '../../../engines/simulate/sip.js';

describe('simulate: SIP URI helpers', () => {
  it('uriUser: the user part, as /^sips?:([^@;>]+)@/ finds it', () => {
    const cases: [string, string | undefined][] = [
      ['sip:944000000@pbx.example.com', '944000000'], ['sips:101@10.1.0.1:5061', '101'], ['sip:2400@[2001:db8::5]:5060', '2400'],
      ['sip:pbx.example.com', undefined], ['sip:@host', undefined], ['sip:a;b@host', undefined], ['tel:+34944', undefined], ['', undefined],
      ['sip:user@host;transport=tcp', 'user'], ['sip:10.1.0.1;lr', undefined],
    ];
    for (const [uri, user] of cases) {
      expect(uriUser(uri), uri).toBe(user);
      expect(uriUser(uri), uri).toBe(/^sips?:([^@;>]+)@/.exec(uri)?.[1]);
    }
  });

  it('uriHost and hostPort: IPv6 without brackets in, with brackets out; 5060 left out', () => {
    expect(uriHost('sip:944000000@[2001:db8:700:1::3]:5060')).toBe('2001:db8:700:1::3');
    expect(uriHost('sip:944000000@10.10.1.3;transport=tcp')).toBe('10.10.1.3');
    expect(hostPort('2001:db8::1', 5060)).toBe('[2001:db8::1]');
    expect(hostPort('10.1.0.1', 5070)).toBe('10.1.0.1:5070');
  });
});
