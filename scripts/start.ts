/**
 * `npm start`. GATEHOUSE_ROLE picks what this process is:
 * - `all` (default): the supervisor — embedded database and Temporal dev server when none is
 *   configured, and the API and the worker as two child processes (scripts/start/supervisor.ts);
 * - `api` or `worker`: that role alone, against DATABASE_URL and TEMPORAL_ADDRESS, for
 *   deployments that run N of each (scripts/start/role-process.ts).
 */
import { roleFromEnv } from './start/environment';
import { runRole } from './start/role-process';
import { runSupervisor } from './start/supervisor';

const role = roleFromEnv();
void (role === 'all' ? runSupervisor() : runRole(role));
