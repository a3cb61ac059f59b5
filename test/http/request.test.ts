import { describe, expect, it } from 'vitest';

import {
  clientAddress,
  fetchRequestInfo,
  nodeRequestInfo,
} from '../../src/http/index.ts';

const node = (headers: Record<string, string>) =>
  nodeRequestInfo({
    method: 'GET',
    url: '/x?y=1',
    headers,
    socket: { remoteAddress: '::ffff:10.0.0.2' },
  });

describe('clientAddress', () => {
  it('takes the first X-Forwarded-For entry behind a trusted proxy', () => {
    const info = node({ 'x-forwarded-for': ' 203.0.113.7 , 10.0.0.1' });
    expect(clientAddress(info, { trustProxy: true })).toBe('203.0.113.7');
  });

  it('falls back to X-Real-IP, then the socket, behind a trusted proxy', () => {
    expect(
      clientAddress(node({ 'x-real-ip': '192.0.2.5' }), { trustProxy: true }),
    ).toBe('192.0.2.5');
    expect(clientAddress(node({}), { trustProxy: true })).toBe('10.0.0.2');
  });

  it('ignores the proxy headers unless the proxy is trusted', () => {
    const info = node({
      'x-forwarded-for': '203.0.113.7',
      'x-real-ip': '1.1.1.1',
    });
    expect(clientAddress(info)).toBe('10.0.0.2');
  });

  it('has no address for a Fetch request without one from the platform', () => {
    const info = fetchRequestInfo(new Request('http://app.test/p?q'));
    expect([info.method, info.path, clientAddress(info)]).toEqual([
      'GET',
      '/p',
      undefined,
    ]);
  });
});
