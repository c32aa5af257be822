/**
 * Serves one PGlite over the PostgreSQL wire protocol to several connections — from several
 * processes (the API and the worker) — without mixing their queries.
 *
 * PGlite is a single backend. pglite-socket feeds it one protocol message at a time from every
 * connection, so outside an explicit transaction the Parse/Bind/Execute/Sync messages of two
 * connections can interleave on the shared backend and corrupt each other's queries. Here each
 * connection's messages are gathered into whole units of work — everything up to a Sync, a
 * simple Query, a Flush, the startup packet — and a unit runs on PGlite in one go. While a
 * connection holds a transaction open (or stopped at a Flush in the middle of an extended
 * query), only that connection's units run; the others wait their turn. A connection that
 * disappears inside a transaction has it rolled back, so it cannot wedge everyone else.
 *
 * One backend still means one query at a time: this makes sharing safe, not parallel.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/** Message types that continue an extended-protocol exchange: they wait for the unit's end. */
const PENDING_TYPES = new Set(['P', 'B', 'D', 'E', 'C']);
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_3 = 196608;

interface Unit {
  connection: Connection;
  bytes: Buffer;
  /** Whether the unit ends the exchange (Sync, Query, startup): otherwise the connection keeps the backend. */
  complete: boolean;
  /** The connection went away holding the backend: roll its transaction back. */
  rollback?: boolean;
}

interface Connection {
  id: number;
  socket: Socket;
  buffer: Buffer;
  /** Messages of the unit being gathered. */
  pending: Buffer[];
  started: boolean;
  closed: boolean;
}

/** A running server; see the module header. */
export class PGliteWireServer {
  private readonly server: Server;
  private readonly queue: Unit[] = [];
  private readonly connections = new Set<Connection>();
  /** The connection that holds the backend (open transaction or unfinished exchange). */
  private owner: Connection | undefined;
  private running = false;
  private nextId = 1;

  constructor(private readonly db: PGlite, private readonly onError: (err: unknown) => void = () => undefined) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on `host:port` (port 0: any free port); returns the port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection: Connection = { id: this.nextId++, socket, buffer: Buffer.alloc(0), pending: [], started: false, closed: false };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (data) => {
      try {
        this.receive(connection, data);
      } catch (err) {
        this.onError(err);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.drop(connection));
  }

  private receive(connection: Connection, data: Buffer): void {
    connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, data]) : data;
    for (;;) {
      const buffer = connection.buffer;
      if (!connection.started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        const packet = buffer.subarray(0, length);
        connection.buffer = buffer.subarray(length);
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          connection.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST_CODE) {
          connection.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) throw new Error(`unsupported protocol version ${code}`);
        connection.started = true;
        this.enqueue({ connection, bytes: Buffer.from(packet), complete: true });
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = String.fromCharCode(buffer[0]!);
      const message = Buffer.from(buffer.subarray(0, length));
      connection.buffer = buffer.subarray(length);
      if (type === 'X') {
        connection.socket.end();
        return;
      }
      connection.pending.push(message);
      if (PENDING_TYPES.has(type)) continue;
      const bytes = Buffer.concat(connection.pending);
      connection.pending = [];
      // A Flush keeps the exchange open (a cursor reads on); anything else ends the unit.
      this.enqueue({ connection, bytes, complete: type !== 'H' });
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.connection === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const [unit] = this.queue.splice(index, 1);
        await this.execute(unit!);
      }
    } finally {
      this.running = false;
    }
  }

  private async execute(unit: Unit): Promise<void> {
    const { connection } = unit;
    if (unit.rollback) {
      // Someone else's work must not run inside this transaction: roll it back before they do.
      // exec takes PGlite's own lock (runExclusive around it would wait for itself).
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch((err: unknown) => this.onError(err));
      this.owner = undefined;
      return;
    }
    if (connection.closed) return;
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(unit.bytes), {
        onRawData: (chunk) => {
          if (!connection.closed && connection.socket.writable) connection.socket.write(Buffer.from(chunk));
        },
      }));
    } catch (err) {
      this.onError(err);
      connection.socket.destroy();
    }
    this.owner = !connection.closed && (this.db.isInTransaction() || !unit.complete) ? connection : undefined;
  }

  private drop(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    this.connections.delete(connection);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.connection === connection) this.queue.splice(i, 1);
    if (this.owner === connection) this.queue.unshift({ connection, bytes: Buffer.alloc(0), complete: true, rollback: true });
    void this.run();
  }
}
