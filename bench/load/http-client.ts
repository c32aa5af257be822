/**
 * The load generator's HTTP client: keep-alive connections, at most `connections` requests in
 * flight (a real sender's connection pool), each timed from when it got a connection slot to
 * the end of the answer.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Semaphore } from './semaphore';

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** Wall-clock ms when the request was sent. */
  sentAt: number;
  /** Milliseconds from sending to the whole answer received. */
  elapsedMs: number;
}

/** A request that got no answer at all (refused connection, reset, timeout). */
export class NoAnswerError extends Error {}

const REQUEST_TIMEOUT_MS = 60_000;

export class HttpClient {
  private readonly agent: Agent;
  private readonly slots: Semaphore;

  constructor(connections: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
    this.slots = new Semaphore(connections);
  }

  post(url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> {
    return this.slots.run(() => this.send(url, headers, body));
  }

  close(): void {
    this.agent.destroy();
  }

  private send(url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> {
    const sentAt = Date.now();
    const started = performance.now();
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = request(url, {
        method: 'POST', agent: this.agent, timeout: REQUEST_TIMEOUT_MS,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({
          status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers,
          sentAt, elapsedMs: performance.now() - started,
        }));
        res.on('error', (err) => reject(new NoAnswerError(err.message)));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (err) => reject(new NoAnswerError(err.message)));
      req.end(body);
    });
  }
}
