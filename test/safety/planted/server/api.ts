// Planted server room for polylab/read-only-network (test/unit/safety-rule.test.ts): pushes to our own clients pass, a client socket does not.
import WebSocket from 'ws';

export function push(client: WebSocket, events: unknown[]): void {
  client.send(JSON.stringify({ event_type: 'connected', events }));
}

export function dial(): WebSocket {
  return new WebSocket('wss://clob.example'); // ✗ the API room opens no client socket
}

export async function readsStillChecked(): Promise<void> {
  await fetch('https://clob.example/order', { method: 'POST' }); // ✗ a POST from the API room
}
