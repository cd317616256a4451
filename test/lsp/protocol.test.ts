// The shared protocol module (protocol/src) against the built server: every request
// it declares has a handler. Each is sent with empty params, which every handler
// must refuse as InvalidParams (-32602) after finding its method; a method nobody
// registered gets MethodNotFound (-32601), which the last test shows the server
// does answer, so a request the protocol declares and the server forgot fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver-protocol/node.js';
import { survRequests } from '../../protocol/src/index.js';
import { startServer, type LspServer } from './harness.js';

let server: LspServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.shutdown();
});

/** The error code the server answers `method` with, or 'answered' when it does not refuse. */
async function refusal(method: string, params: unknown): Promise<number | 'answered'> {
  try {
    await server.request<unknown>(method, params);
    return 'answered';
  } catch (error) {
    if (error instanceof ResponseError) return error.code;
    throw error;
  }
}

describe('protocol/src: every declared request has a server handler', () => {
  it('declares the eight surv/ requests, each once', () => {
    expect(survRequests.map((r) => r.method)).toEqual([
      'surv/scenarios', 'surv/simulate', 'surv/verify', 'surv/diagrams', 'surv/export', 'surv/exportBranches',
      'surv/trace', 'surv/traceLadder',
    ]);
  });

  it.each(survRequests.map((r) => [r.method]))('%s is handled (empty params: -32602, not -32601)', async (method) => {
    expect(await refusal(method, {})).toBe(-32602);
  });

  it('a method without a handler is answered -32601', async () => {
    expect(await refusal('surv/noSuchRequest', {})).toBe(-32601);
  });
});
