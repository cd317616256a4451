// What a message arrow says, read from the SIP text of a trace entry: the method and
// dialled number of a request, the code and reason of a reply, a redirect's Contact.

export interface StartLine {
  readonly method: string | undefined;
  readonly uri: string | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;
}

export function startLine(text: string): StartLine {
  const first = text.split('\r\n', 1)[0] ?? '';
  const reply = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first);
  if (reply) return { method: undefined, uri: undefined, status: Number(reply[1]), reason: reply[2] };
  const request = /^(\S+) (\S+) SIP\/2\.0$/.exec(first);
  return { method: request?.[1], uri: request?.[2], status: undefined, reason: undefined };
}

/** The user part of a SIP URI (`944000000` of `sip:944000000@host`), else the URI. */
export function uriUser(uri: string): string {
  const m = /^sips?:([^@;?]+)@/.exec(uri);
  return m ? m[1]! : uri;
}

/** The first Contact URI of a message, without its angle brackets. */
export function contactUri(text: string): string | undefined {
  for (const line of text.split('\r\n')) {
    if (line === '') break;
    const m = /^(?:Contact|m)\s*:\s*(.*)$/i.exec(line);
    if (!m) continue;
    const value = m[1]!;
    return /<([^>]*)>/.exec(value)?.[1] ?? value.split(/[;,]/, 1)[0]!.trim();
  }
  return undefined;
}
