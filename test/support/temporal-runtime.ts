/**
 * Installs the Temporal SDK runtime with a WARN-level logger before any test creates a server
 * or worker, so test output shows test results rather than worker state changes.
 * GATEHOUSE_TEST_LOGS=1 keeps the SDK's INFO logs for debugging.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger(process.env.GATEHOUSE_TEST_LOGS === '1' ? 'INFO' : 'WARN') });
