// Planted violations for polylab/read-only-network (test/unit/safety-rule.test.ts): every line marked ✗ must be reported.
// The ways around the rule that issue 28 found: inits the rule cannot prove, other programs, code from strings, reflection.
import http from 'node:http';
import { execFile } from 'node:child_process'; // ✗ runs other programs (curl -X POST)
import vm from 'node:vm'; // ✗ runs code from strings
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';

const url = 'https://clob.example/order';
const POST_TEXT = '{"method":"POST","body":"{}"}';

export async function unprovableInits(r: Response, made: () => RequestInit, loose: Record<string, string>): Promise<void> {
  await fetch(url, JSON.parse(POST_TEXT)); // ✗ a parsed init (any)
  await fetch(url, { ...JSON.parse(POST_TEXT) }); // ✗ a spread of a parsed object
  await fetch(url, await r.json()); // ✗ an init from a response (any)
  await fetch(url, made()); // ✗ an init from a call
  await fetch(url, { ...made() }); // ✗ a spread of a call
  await fetch(url, loose); // ✗ an index signature may hold any method
  const u: unknown = JSON.parse(POST_TEXT);
  await fetch(url, u as RequestInit); // ✗ an unknown value cast to an init
}

export function programsAndCode(code: string, name: string): void {
  execFile('curl', ['-X', 'POST', url]);
  vm.runInNewContext(code);
  new Worker(code, { eval: true }); // ✗ a Worker running a code string
  eval(code); // ✗ eval
  new Function(code)(); // ✗ new Function
  void import(`node:${name}`); // ✗ a computed import specifier
  void import('node:child_process'); // ✗ a forbidden module, dynamically
}

export function reflection(name: string): void {
  (Reflect.get(globalThis, 'fet' + 'ch') as typeof fetch)(url, { method: 'GET' }); // ✗ reflective access to fetch
  Reflect.get(http, name); // ✗ reflective access to http
  Object.getOwnPropertyDescriptor(globalThis, name); // ✗ a descriptor of a global
  Reflect.construct(WebSocket, [url]); // ✗ a WebSocket built by reflection
}

/** A Worker from a file stays allowed (a sweep's worker pool): its file is linted like any other. */
export function fileWorkers(): void {
  new Worker(new URL('./worker.js', import.meta.url));
  new Worker('./worker.js', { eval: false, workerData: { n: 1 } });
}
