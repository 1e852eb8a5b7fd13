// Planted violations for polylab/read-only-network (test/unit/safety-rule.test.ts): every line marked ✗ must be reported.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import WebSocket from 'ws';

const ws = new WebSocket('wss://venue.example');
const OP = 'cancel';

export function payloads(x: string): void {
  ws.send(JSON.stringify({ op: 'order', args: [] })); // ✗ an order frame
  ws.send(JSON.stringify({ type: 'subscribe', auth: { key: x } })); // ✗ an auth field
  ws.send('{"op":"place"}'); // ✗ a write in a JSON text
  ws.send(JSON.stringify({ op: OP })); // ✗ a constant op
  ws.send(['sub', 'scribe'].join('')); // ✗ a computed string
  ws.send(`{"op":"${x}"}`); // ✗ a template
  ws.send(JSON.stringify({ args: [x] })); // ✗ says not what it is
  ws.send(x); // ✗ a parameter of an exported function called from nowhere it can see… and from outside
}

/** A wrapper: the payload is followed to its callers. */
class Wrapper {
  constructor(private readonly socket: WebSocket) {}
  send(text: string): void {
    this.socket.send(text); // ✗ one caller sends an order
  }
}
new Wrapper(ws).send('{"op":"order"}');
new Wrapper(ws).send('ping');

/** An interface member: the payload is followed to every object that writes it. */
interface Frames { frames(): string[] }
const evil: Frames = { frames: () => [JSON.stringify({ op: 'subscribe' }), JSON.stringify({ op: 'order' })] };
for (const f of evil.frames()) ws.send(f); // ✗ one writer builds an order

/** A structurally typed writer counts too, though it never names the type. */
interface Ping { intervalMs: number; frame: () => string }
const pings: Ping[] = [];
const loose = { intervalMs: 1, frame: () => 'POST' };
pings.push(loose);
for (const p of pings) ws.send(p.frame()); // ✗ the loose object is a Ping

/** A function that escapes as a value: its callers cannot all be seen. */
function sendIt(t: string): void {
  ws.send(t); // ✗ sendIt is passed to forEach
}
['{"op":"order"}'].forEach(sendIt);

export function indirect(): void {
  const bound = ws.send.bind(ws); // ✗ a sink taken as a value
  bound('ping');
  const { send } = ws; Reflect.apply(send, ws, ['order']); // ✗ a sink taken out by destructuring
  (ws as unknown as Record<string, (t: string) => void>)['se' + 'nd']!('x'); // ✗ a computed member… through a cast
  const key = 'send' as const;
  ws[key]('order'); // ✗ a computed member
  navigator.sendBeacon('https://x.example', 'order'); // ✗ sendBeacon
  connect(443, 'x.example').write('order'); // ✗ a raw socket write
  createSocket('udp4').send('order', 53, 'x.example'); // ✗ a datagram
}

/** An override: the call resolves to the base method, the subclass sends an order. */
class BaseFeed {
  frame(): string {
    return 'ping';
  }
  tick(): void {
    ws.send(this.frame()); // ✗ Orders.frame overrides it
  }
}
class Orders extends BaseFeed {
  override frame(): string {
    return '{"op":"order"}';
  }
}
new Orders().tick();
