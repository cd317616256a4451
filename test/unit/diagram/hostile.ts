// A design whose every user-controlled text is hostile to Mermaid, HTML or Markdown:
// names that are Mermaid keywords or hold an arrow (`loop-x`), and strings holding a
// tag with a script, a Mermaid directive, an arrow, `;`, `#`, an entity code and a line
// break. Shared by the unit tests (source) and the browser tests (rendering).
import { analyze, type Model } from '../../../grammar/src/index.js';

/** What the labels hold; the browser test looks for it, drawn as text. */
export const HOSTILE = '<img src=x onerror=window.__pwned=1> %%{init: {"theme":"dark"}}%% -->> end; #35; a';

const literal = (text: string) => JSON.stringify(text);

export const hostileText = `branch hostile {
  edge listen udp 10.77.0.1:5060
  lan 10.77.0.0/24
  gateway box { address 10.77.0.3  kind bri  channels 2 }
  upstream par { proxy sip:pbx.example.com:5060 }
  timers { no-answer 2s  budget 5s }
  phone end 100 at 10.77.0.10
  phone loop-x 101 at 10.77.0.11
  phone note 102 at 10.77.0.12
  phone x 103 at 10.77.0.13
  group title parallel [end, note, x] ring 20s
  register { forward par with path }
  outbound from lan via par {
    on timeout { announce 181 ${literal(HOSTILE)}  redirect 302 to box }
    emergency 112
  }
  inbound from box { ring title then ring end }
}

scenario ${literal(`${HOSTILE}\nb`)} in hostile {
  par silent
  loop-x calls 944000000
}

scenario "fork" in hostile {
  end answers after 3s
  box calls 944000100
}
`;

/** The model. The scenario title holds a line break too (a reason phrase may not: SURV053). */
export function hostileModel(): Model {
  return analyze([{ uri: 'hostile.surv', text: hostileText }], { symbols: false }).model;
}
