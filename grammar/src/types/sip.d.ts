// The sip package ships no types; we use only its URI and message codecs, typed where used.
declare module 'sip' {
  const sip: unknown;
  export default sip;
}
