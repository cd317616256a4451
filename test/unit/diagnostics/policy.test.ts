// Survival policy: SURV050 (announce code), SURV051 (redirect code), SURV052
// (unusual redirect), SURV053 (unsafe characters in a reason phrase), SURV063 (its
// length), SURV054
// (emergency without gateway), SURV057 (shape of `on timeout`), SURV058 (no
// survival), SURV059 (register without Path), SURV060 (pass list).
import { describe, it } from 'vitest';
import { BASE, edit, expectDiagnostic, expectNoDiagnostic, expectNoDiagnostics } from './helper.js';

const ON_TIMEOUT = 'on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }';
const onTimeout = (body: string): string => edit(BASE, ON_TIMEOUT, `on timeout { ${body} }`);

describe('SURV050 announcement not provisional', () => {
  it('reports a 200 announcement and offers 181', () => {
    expectDiagnostic(onTimeout('announce «200» "Survival Activated"  redirect 302 to pstn'), {
      code: 'SURV050', severity: 'error', message: 'an announcement must be a provisional reply (101-199), not 200',
      data: { replacements: ['181'] },
    });
  });

  it('explains that 100 Trying never reaches the phone', () => {
    expectDiagnostic(onTimeout('announce «100» "Survival Activated"  redirect 302 to pstn'), {
      code: 'SURV050', severity: 'error',
      message: 'an announcement must be a provisional reply (101-199), not 100: 100 Trying is hop-by-hop and never reaches the phone',
      data: { replacements: ['181'] },
    });
  });

  it('accepts 180, 182 and 183 as well as 181', () => {
    for (const code of ['180', '182', '183']) expectNoDiagnostics(onTimeout(`announce ${code} "Survival"  redirect 302 to pstn`));
  });
});

describe('SURV051 redirect not 3xx', () => {
  it('reports a 404 redirect and offers 302', () => {
    expectDiagnostic(onTimeout('redirect «404» to pstn'), {
      code: 'SURV051', severity: 'error', message: 'a redirect must be a 3xx reply, not 404', data: { replacements: ['302'] },
    });
  });
});

describe('SURV052 unusual redirect', () => {
  it('warns about 380 and offers 302', () => {
    expectDiagnostic(onTimeout('announce 181 "Survival"  redirect «380» to pstn'), {
      code: 'SURV052', severity: 'warning',
      message: '380 Alternative Service leaves the format of its alternatives undefined (RFC 3261 §21.3.5); 302 is what phones follow', data: { replacements: ['302'] },
    });
  });

  it('warns that 301 lets phones cache the redirect, and offers 302', () => {
    expectDiagnostic(onTimeout('redirect «301» to pstn'), {
      code: 'SURV052', severity: 'warning',
      message: '301 Moved Permanently lets phones remember the gateway for good; an outage is temporary, so use 302',
      data: { replacements: ['302'] },
    });
  });

  it('warns about other 3xx codes and offers 302', () => {
    expectDiagnostic(onTimeout('redirect «305» to pstn'), {
      code: 'SURV052', severity: 'warning', message: '305 is an unusual redirect for survival; 302 is what phones follow',
      data: { replacements: ['302'] },
    });
  });

  it('is silent for 302', () => {
    expectNoDiagnostic(onTimeout('redirect 302 to pstn'), 'SURV052');
  });
});

describe('SURV053 unsafe character in a reason phrase', () => {
  const control = (name: string) => `the announcement text contains a control character (${name}): it would break or inject into the SIP message`;

  it('reports CR (header injection) over the whole string', () => {
    expectDiagnostic(onTimeout('announce 181 «"Survival\\r\\nX-Injected: yes"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error', message: control('U+000D CARRIAGE RETURN'),
    });
  });

  it('reports LF', () => {
    expectDiagnostic(onTimeout('announce 181 «"Survival\\nActivated"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error', message: control('U+000A LINE FEED'),
    });
  });

  it('reports a tab, escaped or written raw: export writes the phrase into kamailio.cfg and logs', () => {
    expectDiagnostic(onTimeout('announce 181 «"Survival\\tActivated"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error', message: control('U+0009 CHARACTER TABULATION'),
    });
    expectDiagnostic(onTimeout('announce 181 «"Survival\tActivated"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error', message: control('U+0009 CHARACTER TABULATION'),
    });
  });

  it('reports a raw control character written into the file', () => {
    expectDiagnostic(onTimeout('announce 181 «"Survival\u0007Activated"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error', message: control('U+0007 BELL'),
    });
  });

  it('reports ESC, DEL and C1 controls (NEL, CSI)', () => {
    for (const [char, name] of [['\u001b', 'U+001B ESCAPE'], ['\u007f', 'U+007F DELETE'], ['\u0085', 'U+0085 NEXT LINE'], ['\u009b', 'U+009B CONTROL SEQUENCE INTRODUCER']]) {
      expectDiagnostic(onTimeout(`announce 181 «"a${char}b"»  redirect 302 to pstn`), { code: 'SURV053', severity: 'error', message: control(name) });
    }
  });

  it('reports the line and paragraph separators', () => {
    for (const [char, name] of [['\u2028', 'U+2028 LINE SEPARATOR'], ['\u2029', 'U+2029 PARAGRAPH SEPARATOR']]) {
      expectDiagnostic(onTimeout(`announce 181 «"a${char}b"»  redirect 302 to pstn`), {
        code: 'SURV053', severity: 'error', message: `the announcement text contains a line separator (${name}): it would break lines in kamailio.cfg, logs and editors`,
      });
    }
  });

  it('reports every bidirectional control by name', () => {
    const bidi: [string, string][] = [
      ['\u061c', 'ARABIC LETTER MARK'], ['\u200e', 'LEFT-TO-RIGHT MARK'], ['\u200f', 'RIGHT-TO-LEFT MARK'],
      ['\u202a', 'LEFT-TO-RIGHT EMBEDDING'], ['\u202b', 'RIGHT-TO-LEFT EMBEDDING'], ['\u202c', 'POP DIRECTIONAL FORMATTING'],
      ['\u202d', 'LEFT-TO-RIGHT OVERRIDE'], ['\u202e', 'RIGHT-TO-LEFT OVERRIDE'], ['\u2066', 'LEFT-TO-RIGHT ISOLATE'],
      ['\u2067', 'RIGHT-TO-LEFT ISOLATE'], ['\u2068', 'FIRST STRONG ISOLATE'], ['\u2069', 'POP DIRECTIONAL ISOLATE'],
    ];
    for (const [char, name] of bidi) {
      const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      expectDiagnostic(onTimeout(`announce 181 «"Survival ${char}evitcA"»  redirect 302 to pstn`), {
        code: 'SURV053', severity: 'error',
        message: `the announcement text contains a bidirectional control (U+${hex} ${name}): it would make the text display in another order than it is sent`,
      });
    }
  });

  it('reports zero-width and other invisible characters by name', () => {
    const invisible: [string, string][] = [
      ['\u200b', 'ZERO WIDTH SPACE'], ['\u200c', 'ZERO WIDTH NON-JOINER'], ['\u200d', 'ZERO WIDTH JOINER'], ['\u2060', 'WORD JOINER'],
      ['\ufeff', 'ZERO WIDTH NO-BREAK SPACE'], ['\u00ad', 'SOFT HYPHEN'], ['\u180e', 'MONGOLIAN VOWEL SEPARATOR'],
    ];
    for (const [char, name] of invisible) {
      const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      expectDiagnostic(onTimeout(`announce 181 «"Sur${char}vival"»  redirect 302 to pstn`), {
        code: 'SURV053', severity: 'error',
        message: `the announcement text contains an invisible character (U+${hex} ${name}): it is invisible, so what is sent would differ from what is read`,
      });
    }
  });

  it('names the first unsafe character when there are several', () => {
    expectDiagnostic(onTimeout('announce 181 «"a\u202eb\u0001c"»  redirect 302 to pstn'), {
      code: 'SURV053', severity: 'error',
      message: 'the announcement text contains a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE): it would make the text display in another order than it is sent',
    });
  });

  it('accepts escaped quotes and backslashes, accents, other scripts and emoji', () => {
    expectNoDiagnostics(onTimeout('announce 181 "Survival \\"on\\" \\\\ standby"  redirect 302 to pstn'));
    expectNoDiagnostics(onTimeout('announce 181 "Biziraupena - Επιβίωση - 生存 - ☎"  redirect 302 to pstn'));
  });
});

describe('SURV063 reason phrase empty or too long', () => {
  it('reports an empty announcement text', () => {
    expectDiagnostic(onTimeout('announce 181 «""»  redirect 302 to pstn'), {
      code: 'SURV063', severity: 'error', message: 'the announcement text is empty: a reason phrase needs 1 to 128 characters',
    });
  });

  it('reports 129 characters and says the length', () => {
    expectDiagnostic(onTimeout(`announce 181 «"${'x'.repeat(129)}"»  redirect 302 to pstn`), {
      code: 'SURV063', severity: 'error', message: 'the announcement text has 129 characters: a reason phrase holds at most 128',
    });
  });

  it('counts characters, not UTF-16 units: 128 emoji fit, 129 do not', () => {
    expectNoDiagnostics(onTimeout(`announce 181 "${'☎'.repeat(64)}${'😀'.repeat(64)}"  redirect 302 to pstn`));
    expectDiagnostic(onTimeout(`announce 181 «"${'😀'.repeat(129)}"»  redirect 302 to pstn`), {
      code: 'SURV063', severity: 'error', message: 'the announcement text has 129 characters: a reason phrase holds at most 128',
    });
  });

  it('accepts exactly 128 characters and a single one', () => {
    expectNoDiagnostics(onTimeout(`announce 181 "${'x'.repeat(128)}"  redirect 302 to pstn`));
    expectNoDiagnostics(onTimeout('announce 181 "x"  redirect 302 to pstn'));
  });
});

describe('SURV054 emergency numbers without a gateway', () => {
  it('reports the emergency line of a branch with no gateway', () => {
    const text = `branch shop {
  edge listen udp 10.90.9.1:5060
  lan 10.90.9.0/24
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.90.9.10
  register { forward cloud with path }
  outbound from lan via cloud {
    «emergency» 112, 091
  }
}
`;
    expectDiagnostic(text, {
      code: 'SURV054', severity: 'error',
      message: 'emergency numbers need a gateway, and this branch has none: they could not be dialled in an outage',
      others: ['SURV058'],
    });
  });
});

describe('SURV057 shape of on timeout', () => {
  it('needs a redirect or relay after an announcement', () => {
    expectDiagnostic(onTimeout('announce 181 "Survival"').replace('on timeout {', '«on timeout» {'), {
      code: 'SURV057', severity: 'error',
      message: "'on timeout' needs a 'redirect ... to GATEWAY' or a 'relay to GATEWAY': an announcement alone is not a final reply",
    });
  });

  it('needs a redirect or relay in an empty block', () => {
    expectDiagnostic(edit(BASE, ON_TIMEOUT, '«on timeout» { }'), {
      code: 'SURV057', severity: 'error',
      message: "'on timeout' needs a 'redirect ... to GATEWAY' or a 'relay to GATEWAY': an announcement alone is not a final reply",
    });
  });

  it('allows only one of redirect and relay, reported at the second', () => {
    expectDiagnostic(onTimeout('redirect 302 to pstn  «relay» to pstn'), {
      code: 'SURV057', severity: 'error', message: "'redirect' already ends the call's survival path; only one 'redirect' or 'relay' is allowed",
    });
  });

  it('wants the announcement first', () => {
    expectDiagnostic(onTimeout('redirect 302 to pstn  «announce» 181 "Survival"'), {
      code: 'SURV057', severity: 'error', message: "the announcement must come before 'redirect': nothing can follow a final reply",
    });
  });

  it('allows one announcement only', () => {
    expectDiagnostic(onTimeout('announce 181 "Survival"  «announce» 182 "Queued"  redirect 302 to pstn'), {
      code: 'SURV057', severity: 'error', message: 'only one announcement is allowed',
    });
  });

  it('accepts a relay on its own', () => {
    expectNoDiagnostics(onTimeout('relay to pstn'));
  });
});

describe('SURV058 no survival', () => {
  it('warns at the branch name when there is no outbound policy', () => {
    const text = edit(edit(BASE, 'branch bilbao', 'branch «bilbao»'), `  outbound from lan via cloud {
    ${ON_TIMEOUT}
    emergency 112, 091 direct to pstn
  }
`, '');
    expectDiagnostic(text, {
      code: 'SURV058', severity: 'warning', message: "branch 'bilbao' has no outbound policy: calls from its LAN get no survival",
      data: { name: 'bilbao' },
    });
  });

  it('warns at the outbound keyword when the policy has no on timeout', () => {
    const text = edit(BASE, `  outbound from lan via cloud {
    ${ON_TIMEOUT}
    emergency 112, 091 direct to pstn
  }`, `  «outbound» from lan via cloud {
    emergency 112, 091 direct to pstn
  }`);
    expectDiagnostic(text, {
      code: 'SURV058', severity: 'warning',
      message: "the outbound policy has no 'on timeout' actions: a dead upstream leaves callers with a 408", data: { name: 'bilbao' },
    });
  });
});

describe('SURV059 register forwarded without Path', () => {
  it('warns at the forward and offers it with path', () => {
    expectDiagnostic(edit(BASE, 'register { forward cloud with path }', 'register { «forward cloud» }'), {
      code: 'SURV059', severity: 'warning',
      message: "REGISTERs are forwarded without Path: the central PBX will send calls straight to the phones, bypassing this branch's proxy",
      data: { replacements: ['forward cloud with path'] },
    });
  });

  it('is silent without a register block (Path is the default)', () => {
    expectNoDiagnostics(edit(BASE, '  register { forward cloud with path }\n', ''));
  });
});

describe('SURV060 pass list with a reply that is not final', () => {
  const pass = (list: string) => edit(BASE, '    emergency', `    pass ${list}\n    emergency`);

  it('reports a 2xx code', () => {
    expectDiagnostic(pass('«200», 4xx'), {
      code: 'SURV060', severity: 'error', message: 'only final error and redirect replies can be listed: 200 always passes',
    });
  });

  it('reports the 1xx class', () => {
    expectDiagnostic(pass('«1xx», 4xx'), {
      code: 'SURV060', severity: 'error', message: 'only final error and redirect replies can be listed: 1xx is not 3xx-6xx',
    });
  });

  it('reports a class that SIP does not have', () => {
    expectDiagnostic(pass('4xx, «7xx»'), {
      code: 'SURV060', severity: 'error', message: 'only final error and redirect replies can be listed: 7xx is not 3xx-6xx',
    });
  });

  it('accepts final classes and codes', () => {
    expectNoDiagnostics(pass('3xx, 404, 486, 5xx, 6xx'));
  });
});
