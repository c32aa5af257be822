/**
 * Rotates the master key that seals tenant secrets, without downtime:
 *
 *   1. deploy every process with the NEW key in GATEHOUSE_MASTER_KEY and the old one in
 *      GATEHOUSE_PREVIOUS_MASTER_KEYS: new values are sealed under the new key, old ones still open;
 *   2. run `npm run keys:rotate`: every tenant data key still wrapped under an old key is re-wrapped
 *      under the new one, and values sealed before data keys existed move under their tenant's
 *      data key (a value saved meanwhile is left as saved);
 *   3. remove the old key from GATEHOUSE_PREVIOUS_MASTER_KEYS.
 *
 * Uses DATABASE_URL, or else the embedded database of `npm start` (GATEHOUSE_DATA_DIR, default
 * .data; stop `npm start` first: the embedded data directory has a single owner). Prints what it did as JSON; exit status 0 on
 * success, 1 when a value could not be opened with any configured key.
 */
import { join } from 'node:path';
import { dataDirFromEnv } from './start/environment';
import { openDatabase } from '../db/database';
import { loadMasterKey, loadPreviousMasterKeys, SecretBox, SecretBoxError } from '../db/secret-box';
import { resealSecrets } from '../db/secrets-repo';

async function main(): Promise<number> {
  const dataDir = dataDirFromEnv(process.env);
  const box = new SecretBox(loadMasterKey({ env: process.env, dataDir }), loadPreviousMasterKeys(process.env));
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(dataDir, 'pg') });
  try {
    const report = await resealSecrets(db.pool, box);
    console.log(JSON.stringify({ masterKeyId: box.keyId, ...report }, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof SecretBoxError) {
      console.error(`key rotation stopped: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error('key rotation failed to run:', err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
