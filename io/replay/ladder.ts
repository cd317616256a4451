// The two ladders of a replay side by side: simulator | kamailio, one row per message
// pair, the time difference, and every disagreement marked `!!` with what is wrong.
import { tickMs, type Comparison, type Row, type Step } from './compare.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

/** The message as the ladder shows it: request line or status, the Contact of a reply. */
function message(s: Step, contactAlways: boolean): string {
  const line = s.line.replace(/ SIP\/2\.0$/, '').replace(/^SIP\/2\.0 /, '');
  const isReply = /^\d{3}$/.test(s.summary);
  return s.contact !== undefined && (isReply || contactAlways) ? `${line}  Contact: <${s.contact}>` : line;
}

function cells(s: Step | undefined, contactAlways: boolean, nameWidth: number): [string, string] {
  if (!s) return ['', ''];
  return [seconds(s.atMs), `${s.from.padEnd(nameWidth)} -> ${s.to.padEnd(nameWidth)}  ${message(s, contactAlways)}`];
}

function verdict(r: Row): string {
  if (r.status === 'ok') return `${r.deltaMs! >= 0 ? '+' : ''}${Math.round(r.deltaMs!)} ms`;
  if (r.status === 'late' || r.status === 'early') return `${r.deltaMs! >= 0 ? '+' : ''}${Math.round(r.deltaMs!)} ms ${r.status}`;
  if (r.status === 'reason') return `${r.deltaMs! >= 0 ? '+' : ''}${Math.round(r.deltaMs!)} ms, another reason phrase`;
  if (r.status === 'numbers') return `${r.deltaMs! >= 0 ? '+' : ''}${Math.round(r.deltaMs!)} ms, other numbers: ${r.live!.numbers ?? ''}`;
  return r.status === 'missing' ? 'missing at kamailio' : 'extra at kamailio';
}

/** The side-by-side ladder, one line per row, and a summary line. */
export function formatLadder(c: Comparison, indent = '  '): string {
  const names = c.rows.flatMap((r) => [r.sim, r.live]).filter((s): s is Step => s !== undefined).flatMap((s) => [s.from, s.to]);
  const nameWidth = Math.max(4, ...names.map((n) => n.length));
  const lines = c.rows.map((r) => {
    const wrong = r.status !== 'ok';
    return { mark: wrong ? '!!' : '  ', sim: cells(r.sim, wrong, nameWidth), live: cells(r.live, wrong, nameWidth), verdict: verdict(r) };
  });
  const timeWidth = Math.max(6, ...lines.flatMap((l) => [l.sim[0].length, l.live[0].length]));
  const simWidth = Math.max(9, ...lines.map((l) => l.sim[1].length));
  const liveWidth = Math.max(8, ...lines.map((l) => l.live[1].length));
  const side = (c2: [string, string], width: number) => `${c2[0].padStart(timeWidth)}  ${c2[1].padEnd(width)}`;
  const head = `${indent}   ${'simulator'.padEnd(timeWidth + 2 + simWidth)} | ${'kamailio'.padEnd(timeWidth + 2 + liveWidth)} | live - sim`;
  const body = lines.map((l) => `${indent}${l.mark} ${side(l.sim, simWidth)} | ${side(l.live, liveWidth)} | ${l.verdict}`.trimEnd());
  return [head, ...body, `${indent}${summary(c)}`].join('\n');
}

/** `agree: 15 messages, max |live - sim| 12 ms (tolerance 150 ms)`, or what disagrees. */
export function summary(c: Comparison): string {
  const count = (s: Row['status']) => c.rows.filter((r) => r.status === s).length;
  const paired = c.rows.filter((r) => r.deltaMs !== undefined).length;
  const probes = c.probesAfterHorizon > 0
    ? `; ${c.probesAfterHorizon} probe message${c.probesAfterHorizon === 1 ? '' : 's'} after the simulator's last probe (${seconds(c.probeHorizonMs ?? 0)}) not compared`
    : '';
  const swaps = c.sameTickSwaps > 0 ? `; ${c.sameTickSwaps} in the other order within one ${tickMs} ms tick` : '';
  const timing = `max |live - sim| ${Math.round(c.maxDeltaMs)} ms (tolerance ${c.toleranceMs} ms)${swaps}`;
  if (c.agree) return `agree: ${paired} messages, ${timing}${probes}`;
  const wrong = [
    count('missing') && `${count('missing')} missing at kamailio`,
    count('extra') && `${count('extra')} extra at kamailio`,
    count('late') + count('early') && `${count('late') + count('early')} outside the tolerance`,
    count('reason') && `${count('reason')} with another reason phrase`,
    count('numbers') && `${count('numbers')} INVITEs with other numbers (Request-URI, P-Asserted-Identity, Privacy)`,
  ].filter(Boolean).join(', ');
  return `DISAGREE: ${wrong}; ${paired} paired, ${timing}${probes}`;
}
