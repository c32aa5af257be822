/**
 * Temporal connection settings from the standard `TEMPORAL_*` environment variables (the same
 * names the Temporal CLI reads), plus Gatehouse's task queue. Works unchanged against the local
 * dev server, a self-hosted cluster with mTLS, or Temporal Cloud with an API key.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';

/** TLS settings; file paths are read only when connecting so loading config never touches disk. */
export interface TemporalTlsConfig {
  /** Client certificate for mTLS (PEM file). Set together with {@link clientKeyPath}. */
  readonly clientCertPath?: string;
  /** Client private key for mTLS (PEM file). */
  readonly clientKeyPath?: string;
  /** CA bundle to verify the server with, when it is not publicly trusted (PEM file). */
  readonly serverCaCertPath?: string;
  /** Overrides the server name (SNI) checked against the server certificate. */
  readonly serverName?: string;
}

/** Everything needed to reach Temporal; build it with {@link loadTemporalConfig}. */
export interface TemporalConfig {
  /** `host:port` of the frontend gRPC service (`TEMPORAL_ADDRESS`). */
  readonly address: string;
  /** Namespace (`TEMPORAL_NAMESPACE`). */
  readonly namespace: string;
  /** Task queue Gatehouse workers poll and workflows are started on (`GATEHOUSE_TASK_QUEUE`). */
  readonly taskQueue: string;
  /** API key (`TEMPORAL_API_KEY`). Secret: never log it; use {@link describeTemporalConfig}. */
  readonly apiKey?: string;
  /** TLS settings when TLS is on, `undefined` for plaintext. */
  readonly tls?: TemporalTlsConfig;
}

/** Environment shape accepted by {@link loadTemporalConfig} (compatible with `process.env`). */
export type TemporalEnv = Readonly<Record<string, string | undefined>>;

/** Thrown for invalid Temporal settings; messages name variables and paths, never secret values. */
export class TemporalConfigError extends Error {
  override readonly name = 'TemporalConfigError';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Drops undefined entries so the config prints and compares cleanly. */
function definedOnly(fields: Record<string, string | undefined>): TemporalTlsConfig {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function parseTlsFlag(raw: string | undefined): boolean | undefined {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new TemporalConfigError(`TEMPORAL_TLS must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Builds the Temporal settings from environment variables.
 *
 * TLS is on when `TEMPORAL_TLS=true`, off when `TEMPORAL_TLS=false`, and otherwise on exactly when
 * a certificate path or an API key is set (API keys are only ever accepted over TLS, which is also
 * what the CLI and SDK do).
 *
 * @param env - variables to read; defaults to `process.env`
 * @throws TemporalConfigError on a malformed `TEMPORAL_TLS`, a half-configured client cert pair,
 *   or TLS files given together with `TEMPORAL_TLS=false`
 */
export function loadTemporalConfig(env: TemporalEnv = process.env): TemporalConfig {
  const apiKey = nonEmpty(env.TEMPORAL_API_KEY);
  const clientCertPath = nonEmpty(env.TEMPORAL_TLS_CLIENT_CERT_PATH) ?? nonEmpty(env.TEMPORAL_TLS_CERT_PATH);
  const clientKeyPath = nonEmpty(env.TEMPORAL_TLS_CLIENT_KEY_PATH) ?? nonEmpty(env.TEMPORAL_TLS_KEY_PATH);
  const serverCaCertPath = nonEmpty(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  const serverName = nonEmpty(env.TEMPORAL_TLS_SERVER_NAME);

  if ((clientCertPath === undefined) !== (clientKeyPath === undefined)) {
    throw new TemporalConfigError(
      'mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH (or TEMPORAL_TLS_CERT_PATH) and ' +
        'TEMPORAL_TLS_CLIENT_KEY_PATH (or TEMPORAL_TLS_KEY_PATH); only one is set',
    );
  }
  const hasTlsFiles = clientCertPath !== undefined || serverCaCertPath !== undefined;
  const tlsFlag = parseTlsFlag(env.TEMPORAL_TLS);
  if (tlsFlag === false && hasTlsFiles) {
    throw new TemporalConfigError('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_*_PATH settings');
  }
  const tlsOn = tlsFlag ?? (hasTlsFiles || apiKey !== undefined || serverName !== undefined);

  return {
    address: nonEmpty(env.TEMPORAL_ADDRESS) ?? '127.0.0.1:7233',
    namespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
    taskQueue: nonEmpty(env.GATEHOUSE_TASK_QUEUE) ?? 'gatehouse',
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(tlsOn ? { tls: definedOnly({ clientCertPath, clientKeyPath, serverCaCertPath, serverName }) } : {}),
  };
}

/** One-line summary safe for logs: the API key is reported only as present or absent. */
export function describeTemporalConfig(config: TemporalConfig): string {
  const tls = config.tls
    ? `tls=on${config.tls.clientCertPath ? ' (mTLS)' : ''}${config.tls.serverName ? ` sni=${config.tls.serverName}` : ''}`
    : 'tls=off';
  return `address=${config.address} namespace=${config.namespace} taskQueue=${config.taskQueue} ${tls} apiKey=${config.apiKey ? 'set' : 'unset'}`;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TemporalConfigError(`cannot read ${what} ${file}: ${reason}`);
  }
}

/** Turns the TLS settings into the SDK's option (`false` means plaintext). */
function toSdkTls(tls: TemporalTlsConfig | undefined): TLSConfig | false {
  if (!tls) return false;
  const sdk: TLSConfig = {};
  if (tls.serverName) sdk.serverNameOverride = tls.serverName;
  if (tls.serverCaCertPath) sdk.serverRootCACertificate = readPem(tls.serverCaCertPath, 'TLS server CA certificate');
  if (tls.clientCertPath && tls.clientKeyPath) {
    sdk.clientCertPair = {
      crt: readPem(tls.clientCertPath, 'TLS client certificate'),
      key: readPem(tls.clientKeyPath, 'TLS client key'),
    };
  }
  return sdk;
}

/** Rewraps a connect failure so its message carries the address but no secret material. */
function connectError(config: TemporalConfig, err: unknown): TemporalConfigError {
  const reason = err instanceof Error ? err.message : String(err);
  const leaksKey = config.apiKey !== undefined && reason.includes(config.apiKey);
  const safeReason = leaksKey && config.apiKey ? reason.split(config.apiKey).join('<redacted>') : reason;
  // Keep the original error for debugging unless its text would carry the key along.
  return new TemporalConfigError(
    `cannot connect to Temporal (${describeTemporalConfig(config)}): ${safeReason}`,
    leaksKey ? undefined : { cause: err },
  );
}

/**
 * Opens a client connection and a {@link Client} bound to the configured namespace, encrypting
 * payloads with `dataConverter` (Gatehouse's roles refuse a client without it).
 * Close `connection` when done (the client does not own it).
 */
export async function connectClient(config: TemporalConfig, dataConverter?: DataConverter): Promise<{ client: Client; connection: Connection }> {
  const connection = Connection.lazy({
    address: config.address,
    tls: toSdkTls(config.tls),
    ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}),
  });
  try {
    await connection.ensureConnected();
  } catch (err) {
    // `Connection.connect` would leave the failed channel open and keep the process alive; close it.
    await connection.close();
    throw connectError(config, err);
  }
  return { client: new Client({ connection, namespace: config.namespace, ...(dataConverter ? { dataConverter } : {}) }), connection };
}

/** Opens the native (Rust core) connection a Worker needs. Close it after the worker stops. */
export async function connectWorkerConnection(config: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({
      address: config.address,
      tls: toSdkTls(config.tls),
      ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}),
    });
  } catch (err) {
    if (err instanceof TemporalConfigError) throw err;
    throw connectError(config, err);
  }
}
