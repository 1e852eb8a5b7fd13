// Planted violations for polylab/read-only-network (test/unit/safety-rule.test.ts): every line marked ✗ must be reported.
import http from 'node:http';
import https from 'node:https';

const url = 'https://clob.example/order';
const VERB = 'POST';

export async function constants(): Promise<void> {
  await fetch(url, { method: VERB }); // ✗ a constant
  await fetch(url, { method: ['PO', 'ST'].join('') }); // ✗ a computed string
  let m = 'GET';
  m = `${m.slice(0, 0)}PUT`;
  await fetch(url, { method: m }); // ✗ a mutable variable
}

export async function aliases(): Promise<void> {
  const f = fetch; // ✗ a sink taken as a value
  await f(url, { method: 'DELETE' }); // ✗ the alias is still fetch
  await globalThis.fetch(url, { method: 'PATCH' }); // ✗ through globalThis
  await (fetch as unknown as (u: string, i: object) => Promise<void>)(url, { method: 'POST' }); // ✗ hidden by an assertion
  await Reflect.apply(fetch, undefined, [url, { method: 'POST' }]); // ✗ a sink passed as a value
}

export async function options(): Promise<void> {
  const init = { method: 'POST' };
  await fetch(url, { ...init }); // ✗ a spread
  const typed: RequestInit = { method: 'GET' };
  await fetch(url, typed); // ✗ a RequestInit may carry any method
  await fetch(url, { method: 'GET', body: 'x' }); // ✗ a body
  await fetch(new Request(url, { method: 'POST' })); // ✗ a Request object
  await fetch(url, { method: 'POST' as unknown as 'GET' }); // ✗ a forged literal type
}

export function node(): void {
  http.request(url, { method: 'POST' }).end(); // ✗ http.request
  https.request({ hostname: 'clob.example', path: '/order', method: 'DELETE' }).end(); // ✗ https.request
  http.get(url, { method: 'PUT' }); // ✗ http.get with another method
  const req = http.request(url);
  req.write('{"side":"buy"}'); // ✗ a request body
  req.end();
}
