/**
 * A tiny HTTP CONNECT proxy on 127.0.0.1 for tests: it tunnels to loopback targets only and
 * records every tunnel it opened (`host:port`), so a test can tell whether a client used it.
 * Anything but CONNECT is answered 405, a target off the machine 403.
 */
import { createServer } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FakeProxy {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** The `host:port` of every CONNECT request, in order. */
  connects: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startFakeProxy(): Promise<FakeProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer((_request, response) => {
    response.writeHead(405, { connection: 'close' }).end();
  });
  server.on('connect', (request, client: net.Socket, head: Buffer) => {
    track(client);
    const target = request.url ?? '';
    connects.push(target);
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!match || !LOOPBACK.has(match[1])) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(match[2]), match[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
