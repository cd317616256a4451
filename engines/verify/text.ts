// Scenario text for verify: actor states, calls and whole `scenario` blocks, written in
// the .surv language so a violation can be pasted back into the file and replayed.
import { formatMs, type ActorState, type Branch, type ScenarioEvent } from '../../grammar/src/index.js';

const stateWords: Record<ActorState['state'], string> = {
  up: 'up', silent: 'silent', slow: 'slow', answers: 'answers', trying: 'trying', 'ignores-invite': 'ignores invite',
  flapping: 'flapping', busy: 'busy', full: 'full', down: 'down', 'no-answer': 'no-answer', unregistered: 'unregistered',
  'ignores-redirect': 'ignores redirect',
};

/** `cloud slow 9500ms`, `pstn answers 404 after 2s`, `cloud flapping down 5s up 5s from 10s`. */
export function stateLine(s: ActorState): string {
  const parts = [s.actor, stateWords[s.state]];
  if (s.state === 'slow' && s.delayMs !== undefined) parts.push(formatMs(s.delayMs));
  if (s.state === 'answers') {
    if (s.code !== undefined) parts.push(String(s.code));
    if (s.delayMs !== undefined) parts.push('after', formatMs(s.delayMs));
  }
  if (s.state === 'flapping') parts.push('down', formatMs(s.downForMs ?? 0), 'up', formatMs(s.upForMs ?? 0));
  if (s.fromMs > 0) parts.push('from', formatMs(s.fromMs));
  if (s.untilMs !== undefined) parts.push('until', formatMs(s.untilMs));
  return parts.join(' ');
}

/** The dialled number or phone as the scenario writes it. */
export function eventLine(e: ScenarioEvent): string {
  const at = e.atMs > 0 ? ` at ${formatMs(e.atMs)}` : '';
  if (e.kind === 'send') {
    const who = e.sourceKind === 'stranger' ? `stranger ${e.address.includes(':') ? `[${e.address}]` : e.address}` : e.source;
    const route = e.route.length > 0 ? ` route ${e.route.join(', ')}` : '';
    return `${who} sends ${e.method} ${e.uri}${route}${e.toTag ? ' to-tag' : ''}${at}`;
  }
  return e.kind === 'register' ? `${e.phone} registers${at}` : `${e.caller} calls ${e.target}${at}`;
}

/** True for a state that is the default (`up`), which a scenario leaves unwritten. */
export function isDefault(s: ActorState): boolean {
  return s.state === 'up' && s.fromMs === 0 && s.untilMs === undefined;
}

/** `cloud silent, pstn down`, or `everything up`: the states that make a run what it is. */
export function combination(states: readonly ActorState[]): string {
  const written = states.filter((s) => !isDefault(s)).map(stateLine);
  return written.length > 0 ? written.join(', ') : 'everything up';
}

/**
 * A scenario title is a .surv string: quotes and backslashes would need escapes and
 * control characters are not allowed, so they are left out (names and numbers never
 * contain them; this guards the printer against a future caller).
 */
function titleText(text: string): string {
  return text.replace(/["\\\p{Cc}]/gu, '');
}

/** A complete, ready-to-paste `scenario "..." in BRANCH { ... }` block, newline-terminated. */
export function scenarioBlock(branch: Branch, title: string, comment: string, states: readonly ActorState[], events: readonly ScenarioEvent[]): string {
  const body = [
    ...states.filter((s) => !isDefault(s)).map(stateLine),
    ...events.map(eventLine),
  ].map((line) => `  ${line}\n`).join('');
  const note = comment.split('\n').map((line) => `# ${line.replace(/\p{Cc}/gu, ' ')}\n`).join('');
  return `${note}scenario "${titleText(title)}" in ${branch.name} {\n${body}}\n`;
}
