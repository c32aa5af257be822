/**
 * An HTTP proxy in front of a simulator that can hold matching requests in flight: either the
 * request itself (it never reaches the simulator while held) or, after the simulator applied it,
 * its answer (the write is made but the caller has not heard so). What a slow network or a slow
 * instance looks like to the caller, so a test can be sure writes are in flight when it cuts the
 * power.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldRule {
  method: string;
  /** For the n-th matching request (0-based): apply it first and hold its answer (true), or hold the request itself (false). */
  applyFirst(n: number): boolean;
}

export interface HoldingProxy {
  url: string;
  /** From now on, hold the requests the rule matches. */
  hold(rule: HoldRule): void;
  /** Requests held so far: `applied` reached the simulator (their answers are held), `unsent` did not. */
  heldCount(): { applied: number; unsent: number };
  /** Stops holding: every held exchange is cut without an answer (as a dead caller's would be), new requests pass. */
  passThrough(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  let rule: HoldRule | undefined;
  let matched = 0;
  let applied = 0;
  let unsent = 0;
  const held = new Set<ServerResponse>();

  const forward = async (req: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const method = req.method ?? 'GET';
    return fetch(`${target}${req.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const hold = rule !== undefined && req.method?.toUpperCase() === rule.method.toUpperCase();
      if (hold && rule && !rule.applyFirst(matched++)) {
        unsent++;
        held.add(res);
        return; // never forwarded; cut by passThrough() or close()
      }
      const upstream = await forward(req, body);
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (hold) {
        applied++;
        held.add(res);
        return; // applied upstream; the answer is never delivered
      }
      const headers: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) headers[name] = value;
      });
      res.writeHead(upstream.status, headers).end(answer);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const cutHeld = () => {
    for (const res of held) res.socket?.destroy();
    held.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (r) => {
      rule = r;
      matched = 0;
    },
    heldCount: () => ({ applied, unsent }),
    passThrough: () => {
      rule = undefined;
      cutHeld();
    },
    close: async () => {
      cutHeld();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
