import { type Alert, Secret } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { DerivBinaryBroker } from './deriv-binary-broker.js';
import { DerivClient } from './deriv-client.js';
import { fakeServer } from './test-kit.fixture.js';
import { runDerivVenueTest } from './venue-test.js';

const TOKEN = 'a1-SuperSecretDerivToken-9f3c';

/** Every string an error chain carries: messages, contexts, details, JSON. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), JSON.stringify(e), JSON.stringify((e as { context?: unknown }).context ?? {}));
    parts.push((e as Error).message ?? '', (e as Error).stack ?? '');
  }
  return parts.join('\n');
}

describe('the Deriv token', () => {
  it('appears in no alert, error, context or link state of a refused authorize', async () => {
    const server = await fakeServer({ token: 'some-other-token-000' });
    const alerts: Alert[] = [];
    const states: unknown[] = [];
    const client = new DerivClient({
      appId: '1089',
      wsUrl: server.url,
      token: new Secret(TOKEN),
      onAlert: (a) => alerts.push(a),
    });
    client.onLinkState((s) => states.push(s));
    const broker = new DerivBinaryBroker(client);
    const connectError = await broker.connect().catch((e: unknown) => e);
    const buyError = await broker
      .buy({
        clientId: 'd',
        symbol: 'R_100',
        direction: 'call',
        stake: 1,
        currency: 'USD',
        duration: 5,
        durationUnit: 't',
        maxPrice: 1,
      })
      .catch((e: unknown) => e);
    const venueError = await runDerivVenueTest(
      { appId: '1089', wsUrl: server.url, token: new Secret(TOKEN), onAlert: (a) => alerts.push(a) },
      () => {},
    ).catch((e: unknown) => e);
    await client.close();
    expect(connectError).toMatchObject({
      code: 'DERIV_AUTH_FAILED',
      context: { brokerCode: 'InvalidToken' },
    });
    expect(venueError).toMatchObject({ code: 'DERIV_STEP_FAILED', context: { step: 'authorize' } });
    expect(alerts.map((a) => a.code)).toContain('DERIV_AUTH_FAILED');
    // The server did receive it (the broker must), echoed it back in echo_req, and it went no further.
    expect(server.requests('authorize')[0]?.['authorize']).toBe(TOKEN);
    const everything = [
      JSON.stringify(alerts),
      JSON.stringify(states),
      errorText(connectError),
      errorText(buyError),
      errorText(venueError),
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('SuperSecret');
  });

  it('is scrubbed from the excerpt of a malformed frame and absent from a late answer alert', async () => {
    const server = await fakeServer({ token: TOKEN });
    const alerts: Alert[] = [];
    const client = new DerivClient({
      appId: '1089',
      wsUrl: server.url,
      token: new Secret(TOKEN),
      onAlert: (a) => alerts.push(a),
    });
    await client.connect();
    server.sendRaw(`{"msg_type":"authorize","echo_req":{"authorize":"${TOKEN}"}, broken`);
    server.sendRaw(JSON.stringify({ msg_type: 'authorize', echo_req: { authorize: TOKEN }, req_id: 999 }));
    await client.request('ping', { ping: 1 });
    await client.close();
    expect(alerts.map((a) => a.code)).toEqual(['DERIV_PROTOCOL', 'DERIV_LATE_ANSWER']);
    expect(alerts[0]?.context?.['frame']).toBe(
      '{"msg_type":"authorize","echo_req":{"authorize":"[redacted]"}, broken',
    );
    expect(JSON.stringify(alerts)).not.toContain(TOKEN);
  });
});
