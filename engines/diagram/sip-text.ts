// What a message arrow says, read from a trace entry's parsed message (never from its
// rendered text): the dialled number of a request, a redirect's Contact.
import type { Msg } from '../simulate/message.js';

/** The user part of a SIP URI (`944000000` of `sip:944000000@host`), else the URI. */
export function uriUser(uri: string): string {
  const m = /^sips?:([^@;?]+)@/.exec(uri);
  return m ? m[1]! : uri;
}

/** The first Contact URI of a message, without its angle brackets. */
export function contactUri(m: Msg): string | undefined {
  return m.contact?.[0]?.uri;
}
