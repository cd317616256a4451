// What replay refuses about transports (io/replay/guard.ts): it plays phones over UDP or
// TCP, upstreams and gateways over UDP, never TLS, and asks Kamailio over UDP whether it
// is ready; each refusal is located at the word to change.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { checkReplayable, ReplayError } from '../../../io/replay/guard.js';

const design = (edge: string, phone: string, upstream = 'proxy sip:127.0.23.2:5060') => `branch b {
  edge listen ${edge}
  lan 127.0.23.8/29
  gateway pstn { address 127.0.23.3:5060  kind bri  channels 2 }
  upstream cloud { ${upstream} }
  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }
  phone till1 101 at 127.0.23.10 ${phone}
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
scenario "s" in b {
  till1 calls 944000000
}
`;

/** The refusal's message and the text at its position, or 'replayable'. */
function refusal(text: string): string {
  const { model } = analyze([{ uri: 't.surv', text }], { symbols: false });
  try {
    checkReplayable(model.branches[0]!, model.scenarios[0]!);
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    const o = error.origin;
    return `${error.message} @ ${o?.kind === 'source' ? text.slice(o.start, o.end) : '-'}`;
  }
  return 'replayable';
}

describe('replay and transports', () => {
  it('plays a TCP phone beside UDP ones', () => {
    expect(refusal(design('udp 127.0.23.1, tcp 127.0.23.1', 'transport tcp'))).toBe('replayable');
  });

  it('refuses a TLS listen address, a TLS phone, a TCP upstream', () => {
    expect(refusal(design('udp 127.0.23.1, tls 127.0.23.1', ''))).toBe('the edge listens on tls: replay plays the actors over UDP and TCP only @ tls 127.0.23.1');
    expect(refusal(design('udp 127.0.23.1, tcp 127.0.23.1', 'transport tls'))).toBe('phone till1 speaks tls: replay plays the phones over UDP and TCP only @ tls');
    expect(refusal(design('udp 127.0.23.1, tcp 127.0.23.1', '', 'proxy sip:127.0.23.2:5060  transport tcp'))).toBe(
      'upstream cloud uses tcp: replay plays upstreams and gateways over UDP only (phones over UDP or TCP) @ tcp',
    );
  });

  it('refuses an edge without a udp listen address: readiness is asked over UDP', () => {
    expect(refusal(design('tcp 127.0.23.1', 'transport tcp'))).toBe(
      'the edge listens on no udp address: replay needs one (it asks Kamailio over UDP whether it is ready) @ edge listen tcp 127.0.23.1',
    );
  });
});
