/**
 * Launches a real Temporal dev server (`temporal server start-dev`, with Web UI) as a child process,
 * with Gatehouse's custom search attributes registered. Used by `npm start` (persistent db file so
 * runs survive restarts) and by integration tests (in-memory, free ports).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { resolveTemporalCli } from './binaries';
import { customSearchAttributes } from './search-attributes';

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /** SQLite file to persist state in (created with its folder if missing); in-memory when unset. */
  dbFile?: string;
  /** Frontend gRPC port; a free port when unset. */
  port?: number;
  /** Web UI port; a free port when unset. */
  uiPort?: number;
  /** Namespace to serve (created at launch); defaults to `default`. */
  namespace?: string;
  /** Receives every stdout/stderr line of the server (silent when unset). */
  log?: (line: string) => void;
  /** Remote codec the Web UI decodes payloads with (e.g. `http://127.0.0.1:3000/codec`). */
  uiCodecEndpoint?: string;
}

/** A running dev server. */
export interface DevServer {
  /** `127.0.0.1:<port>` of the frontend gRPC service. */
  readonly address: string;
  /** Web UI base URL. */
  readonly uiUrl: string;
  /** Namespace that is ready for use. */
  readonly namespace: string;
  /** OS process id of the server (for diagnostics and leak checks). */
  readonly pid: number;
  /** SIGTERM, wait for exit, SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

/** The proto enum the operator service expects, derived so no direct @temporalio/proto import is needed. */
type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const STDERR_TAIL_LINES = 30;

/** The CLI's `--search-attribute NAME=TYPE` spelling of each SDK type. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** Returns a TCP port that was free on 127.0.0.1 a moment ago (bind port 0, read it, release). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

/**
 * Makes sure every attribute of {@link customSearchAttributes} exists in `namespace`, adding the
 * missing ones through the operator service.
 *
 * Needed because `start-dev --search-attribute` only registers attributes when it creates a fresh
 * db file: an attribute added to the code after the file was created would otherwise never appear.
 * Also the only way to register them on the time-skipping test server, which has no such flag.
 *
 * @param verify - poll `listSearchAttributes` until the additions show up (the test server does not
 *   implement that call, so pass false there)
 */
export async function registerCustomSearchAttributes(
  connection: Connection,
  namespace: string,
  verify = true,
): Promise<void> {
  const existing = verify
    ? (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}
    : {};
  const missing: Record<string, IndexedValueType> = {};
  for (const key of customSearchAttributes) {
    const encoded = encodeSearchAttributeIndexedValueType(key.type);
    if (encoded === undefined) throw new Error(`unsupported search attribute type ${key.type} for ${key.name}`);
    if (!(key.name in existing)) missing[key.name] = encoded;
  }
  if (Object.keys(missing).length === 0) return;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  if (!verify) return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    if (Object.keys(missing).every((name) => name in now)) return;
    if (Date.now() > deadline) throw new Error(`search attributes ${Object.keys(missing).join(', ')} did not appear`);
    await sleep(200);
  }
}

/** Collects output lines, forwarding them to the caller's logger and keeping the stderr tail. */
function captureOutput(child: ChildProcess, log: ((line: string) => void) | undefined): string[] {
  const stderrTail: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => log?.(line));
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      log?.(line);
    });
  }
  return stderrTail;
}

/** Resolves when the child has exited (immediately if it already has). */
async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

async function stopChild(child: ChildProcess): Promise<void> {
  // No pid means spawn itself failed: there is no process and no 'exit' event will come.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  // A plain timer we clear ourselves: a pending 10 s sleep would keep the caller's process alive.
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), STOP_GRACE_MS);
  });
  try {
    if ((await Promise.race([exited, graceOver])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
async function tcpPortOpen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, '127.0.0.1');
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls until the frontend accepts a gRPC connection and can describe `namespace`, then makes sure
 * the custom search attributes exist.
 *
 * Probes plain TCP first and only then opens gRPC connections, each closed in `finally`: a failed
 * `Connection.connect` leaves its gRPC channel open (reconnecting in the background), which kept
 * the Node process alive after an early server exit.
 */
async function waitUntilReady(port: number, namespace: string, exited: Promise<never>): Promise<void> {
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown = new Error('port not open yet');
  while (Date.now() < deadline) {
    if (await Promise.race([tcpPortOpen(port), exited])) {
      const connection = Connection.lazy({ address, connectTimeout: 2_000 });
      try {
        await Promise.race([connection.ensureConnected(), exited]);
        await Promise.race([connection.workflowService.describeNamespace({ namespace }), exited]);
        await Promise.race([registerCustomSearchAttributes(connection, namespace), exited]);
        return;
      } catch (err) {
        if (err instanceof DevServerExitError) throw err;
        lastError = err;
      } finally {
        await connection.close();
      }
    }
    await Promise.race([sleep(100), exited]);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Temporal dev server at ${address} not ready after ${READY_TIMEOUT_MS / 1000}s: ${reason}`);
}

/** The server process ended before it became ready. */
class DevServerExitError extends Error {
  override readonly name = 'DevServerExitError';
}

/** The requested port is taken by another process. */
class DevServerPortInUseError extends Error {
  override readonly name = 'DevServerPortInUseError';
}

function buildArgs(port: number, uiPort: number, namespace: string, dbFile: string | undefined, codec: string | undefined): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)];
  // Without it the UI shows encrypted payloads as ciphertext.
  if (codec !== undefined) args.push('--ui-codec-endpoint', codec);
  args.push('--namespace', namespace);
  if (dbFile !== undefined) args.push('--db-filename', dbFile);
  args.push('--log-level', 'warn');
  for (const key of customSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }
  return args;
}

async function launch(opts: DevServerOptions, port: number, uiPort: number): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const dbFile = opts.dbFile === undefined ? undefined : resolve(opts.dbFile);
  if (dbFile !== undefined) mkdirSync(dirname(dbFile), { recursive: true });

  // Refuse a taken port up front. Otherwise the readiness probe may open a gRPC connection to the
  // foreign listener while our server dies, and grpc-js keeps such a half-open attempt (and with it
  // the Node process) alive for a long time even after close().
  for (const taken of [port, uiPort]) {
    if (await tcpPortOpen(taken)) throw new DevServerPortInUseError(`port ${taken} on 127.0.0.1 is already in use`);
  }

  const child = spawn(resolveTemporalCli(), buildArgs(port, uiPort, namespace, dbFile, opts.uiCodecEndpoint), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrTail = captureOutput(child, opts.log);
  // If this Node process exits without calling stop(), do not leave an orphan server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const exited = new Promise<never>((_, reject) => {
    const fail = (why: string): void =>
      reject(new DevServerExitError(`Temporal dev server ${why}:\n${stderrTail.join('\n')}`));
    child.once('error', (err) => fail(`failed to start (${err.message})`));
    // 'close' rather than 'exit': it comes after stdout/stderr are drained, so the tail is complete.
    child.once('close', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
  exited.catch(() => undefined); // only observed while waiting for readiness

  try {
    await waitUntilReady(port, namespace, exited);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) opts.log?.(`temporal dev server exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    pid: child.pid ?? -1,
    stop(): Promise<void> {
      stopping ??= stopChild(child).finally(() => process.removeListener('exit', killOnExit));
      return stopping;
    },
  };
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with Gatehouse's custom search attributes and
 * resolves once a client can connect and the namespace is describable (up to ~30 s).
 *
 * Reusing a `dbFile` across restarts is supported: workflows survive, and already-registered
 * search attributes are fine (missing ones are added).
 *
 * @throws Error if a requested port is already taken, or with the server's last stderr lines if it
 *   exits before becoming ready
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  if (opts.port !== undefined && opts.port === opts.uiPort) throw new Error(`port and uiPort are both ${opts.port}`);
  // Auto-picked ports can be grabbed by someone else before the server binds them; retry then.
  const autoPorts = opts.port === undefined && opts.uiPort === undefined;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    let uiPort = opts.uiPort ?? (await findFreePort());
    while (opts.uiPort === undefined && uiPort === port) uiPort = await findFreePort();
    try {
      return await launch(opts, port, uiPort);
    } catch (err) {
      const portClash =
        err instanceof DevServerPortInUseError ||
        (err instanceof DevServerExitError && /address already in use/i.test(err.message));
      if (!(autoPorts && portClash && attempt < 3)) throw err;
    }
  }
}
