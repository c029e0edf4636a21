import type { IncomingMessage } from 'node:http';

import { describe, expect, it } from 'vitest';

import { createAddressResolver } from './client-address';

const request = (peer: string, forwardedFor?: string) =>
  ({
    headers:
      forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

describe('the caller address', () => {
  it('ignores a forged X-Forwarded-For from an untrusted peer', () => {
    const resolve = createAddressResolver([]);
    expect(resolve(request('203.0.113.7', '10.0.0.1'))).toBe('203.0.113.7');
  });

  it('ignores it too when proxies are configured but the peer is not one', () => {
    const resolve = createAddressResolver(['10.0.0.0/8']);
    expect(resolve(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
  });

  it('takes the forwarded client when the peer is a trusted proxy', () => {
    const resolve = createAddressResolver(['10.0.0.0/8']);
    expect(resolve(request('10.1.2.3', '198.51.100.1'))).toBe('198.51.100.1');
  });

  it('skips a client-written hop before the trusted proxy', () => {
    const resolve = createAddressResolver(['loopback']);
    // The client wrote 1.1.1.1 itself; the proxy appended its real address.
    expect(resolve(request('127.0.0.1', '1.1.1.1, 198.51.100.9'))).toBe(
      '198.51.100.9',
    );
  });
});
