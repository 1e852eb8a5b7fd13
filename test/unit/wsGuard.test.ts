// Goal: the Host/Origin decision (DNS rebinding and cross-site WebSocket guard) accepts exactly this server's names and origins, and the exposure warning is said once.
import { describe, expect, it } from 'vitest';
import { checkRequest, hostnameOf, isLoopbackHost, warnIfExposed } from '../../src/api/wsGuard.ts';

const policy = { bindHost: '127.0.0.1', allowedOrigins: ['https://lab.example.com'] };
const ws = (host: string, origin?: string) => checkRequest({ host, origin, upgrade: 'websocket' }, policy);

describe('wsGuard', () => {
  it('reads the name out of Host values, and refuses what is not a Host', () => {
    expect(hostnameOf('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:8080')).toBe('::1');
    expect(hostnameOf('LocalHost')).toBe('localhost');
    expect(hostnameOf('')).toBeNull();
    expect(hostnameOf('a.b/c')).toBeNull();
    expect(hostnameOf('user@evil.example')).toBeNull();
  });

  it('knows loopback names and addresses', () => {
    for (const h of ['localhost', 'app.localhost', '127.0.0.1', '127.9.9.9', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '192.168.1.2', 'localhost.evil.example', '::', 'example.com'])
      expect(isLoopbackHost(h)).toBe(false);
  });

  it("accepts IP literals, loopback names, the bound host and allowed origins' hosts; refuses other names (rebinding)", () => {
    for (const host of ['127.0.0.1:8080', '192.168.1.5:8080', '[::1]:8080', 'localhost:8080', 'lab.example.com']) {
      expect(checkRequest({ host }, policy)).toBeNull();
    }
    expect(checkRequest({ host: 'rebind.evil.example:8080' }, policy)?.reason).toBe('host');
    expect(checkRequest({}, policy)?.reason).toBe('host');
    expect(checkRequest({ host: 'mybox.lan:8080' }, { bindHost: 'mybox.lan', allowedOrigins: [] })).toBeNull();
  });

  it('lets a WebSocket in from its own origin, loopback, an allowed origin, or no origin at all', () => {
    expect(ws('127.0.0.1:8080', 'http://127.0.0.1:8080')).toBeNull();
    expect(ws('127.0.0.1:8080', 'http://localhost:5173')).toBeNull();
    expect(ws('lab.example.com', 'https://lab.example.com')).toBeNull();
    expect(ws('192.168.1.5:8080', 'http://192.168.1.5:8080')).toBeNull();
    expect(ws('127.0.0.1:8080')).toBeNull();
  });

  it('refuses a WebSocket from a foreign, opaque or malformed origin', () => {
    expect(ws('127.0.0.1:8080', 'http://evil.example')?.reason).toBe('origin');
    expect(ws('127.0.0.1:8080', 'https://lab.example.com.evil.example')?.reason).toBe('origin');
    expect(ws('127.0.0.1:8080', 'null')?.reason).toBe('origin');
    expect(ws('192.168.1.5:8080', 'http://192.168.1.6:8080')?.reason).toBe('origin');
    // A plain GET is not a cross-site risk by Origin (browsers keep its answer from the page).
    expect(checkRequest({ host: '127.0.0.1:8080', origin: 'http://evil.example' }, policy)).toBeNull();
  });

  it('warns once per host when bound to a non-loopback address, never for loopback', () => {
    const said: string[] = [];
    const log = { warn: (_o: object, msg: string) => said.push(msg) } as unknown as Parameters<typeof warnIfExposed>[1];
    expect(warnIfExposed('127.0.0.1', log)).toBe(false);
    expect(warnIfExposed('0.0.0.0', log)).toBe(true);
    expect(warnIfExposed('0.0.0.0', log)).toBe(false);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('0.0.0.0');
  });
});
