import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on `host` and `port` (0: a random free one) and resolves with its 'http://host:port'. */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}
