/**
 * Verifies the audit trail's hash chains:
 *
 *     npx tsx scripts/audit-verify.ts [--tenant <slug>]
 *
 * Uses DATABASE_URL, or else the embedded database in .data/pg (stop `npm start` first: the
 * embedded data directory has a single owner). Prints the result as JSON. Exit status: 0 when
 * every checked chain is intact, 1 when one is broken, 2 for a usage error or an unknown tenant.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../db/audit-chain';
import { openDatabase } from '../db/database';
import { getTenantBySlug } from '../db/tenants-repo';

const USAGE = 'usage: npx tsx scripts/audit-verify.ts [--tenant <slug>]';

function readArgs(): { tenant?: string } | undefined {
  try {
    const { values } = parseArgs({ options: { tenant: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    return values.help ? undefined : { tenant: values.tenant };
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

async function main(): Promise<number> {
  const args = readArgs();
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  // Same directory as `npm start` uses, whatever the current directory.
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(__dirname, '..', '.data', 'pg') });
  try {
    let tenantId: string | undefined;
    if (args.tenant !== undefined) {
      const tenant = await getTenantBySlug(db.pool, args.tenant);
      if (!tenant) {
        console.error(`no tenant with slug ${args.tenant}`);
        return 2;
      }
      tenantId = tenant.id;
    }
    const result = await verifyAuditChain(db.pool, tenantId === undefined ? {} : { tenantId });
    console.log(JSON.stringify({ tenant: args.tenant ?? null, ...result }, null, 2));
    if (!result.ok) console.error(`audit chain BROKEN${result.firstBrokenId ? ` at event ${result.firstBrokenId}` : ''}: ${result.reason ?? ''}`);
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error('audit verification failed to run:', err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
