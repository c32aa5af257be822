/**
 * The API role: webhooks, Slack interactivity, the admin and marketplace API, audit links. It
 * only verifies, records and starts or signals runs — it never waits on a worker — so it stays
 * fast while the workers are saturated (run it as its own process: GATEHOUSE_ROLE=api).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { AuditLinks } from '../audit/audit-links';
import { registryCatalogue } from '../connectors/registry-catalogue';
import type { CodecEndpointSettings } from '../api/codec/codec-settings';
import { startInboxForwarder } from '../runs/inbox-forwarder';
import type { RoleDeps, RoleOptions } from './role-deps';

export interface ApiRoleOptions extends RoleOptions {
  adminToken: string;
  port?: number;
  host?: string;
  /** Defaults to http://host:port of the API. */
  publicBaseUrl?: string;
  /** Standard Webhooks timestamp tolerance (seconds). */
  webhookToleranceSeconds?: number;
  /** Who may call the codec endpoint (default: the admin token only). */
  codec?: CodecEndpointSettings;
}

export interface ApiRole {
  apiUrl: string;
  publicBaseUrl: string;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

export async function startApiRole(opts: ApiRoleOptions, deps: RoleDeps): Promise<ApiRole> {
  const host = opts.host ?? '127.0.0.1';
  // The public URL depends on the bound port: bind first.
  const server = createServer();
  // Slack and ServiceNow keep connections alive between deliveries; a storm should reuse them.
  server.keepAliveTimeout = 65_000;
  const address = await listen(server, opts.port ?? 0, host);
  const apiUrl = `http://${host}:${address.port}`;
  const publicBaseUrl = opts.publicBaseUrl ?? apiUrl;
  const forwarder = startInboxForwarder({ pool: opts.pool, temporal: opts.temporalClient, taskQueue: opts.taskQueue, logger: opts.logger.child({ component: 'trigger-inbox' }) });
  const app = createApp({
    ...deps.tenantDeps, logger: opts.logger.child({ component: 'api' }), temporal: opts.temporalClient,
    taskQueue: opts.taskQueue, auditLinks: new AuditLinks(opts.masterKey, publicBaseUrl), adminToken: opts.adminToken, publicBaseUrl,
    webhookToleranceSeconds: opts.webhookToleranceSeconds, registry: deps.registry, catalogue: registryCatalogue(deps.registry),
    reconcileSchedules: deps.reconcileSchedules, triggerInbox: forwarder, codec: opts.codec,
  });
  server.on('request', app);
  return {
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await forwarder.stop();
    },
    apiUrl,
    publicBaseUrl,
  };
}
