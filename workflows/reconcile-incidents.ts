/**
 * One reconciliation pass for one tenant, started by the tenant's Schedule (`reconcile-<slug>`):
 * read the incidents changed since the stored watermark, page by page, and start the triage run
 * every one of them should have had from its webhook. Each page is one activity, retried on its
 * own; the result (counts, watermarks, a few examples) is what the Temporal UI shows.
 */
import {
  continueAsNew, defineQuery, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { tenantKey } from '../temporal/search-attributes';
import type {
  ReconcileCounts, ReconcileInput, ReconcileProgress, ReconcileResult,
} from './reconcile-types';

/** The pass so far: counts, position and watermarks (`temporal workflow query --type progress`). */
export const reconcileProgressQuery = defineQuery<ReconcileProgress>('progress');

const defaults = { overlapSeconds: 120, initialLookbackSeconds: 86_400, pageSize: 100, pagesPerRun: 50 };
/** Examples kept in the result, across pages. */
const maxExamples = 20;

// A page that keeps failing fails the pass (visible in the UI); the next tick starts over from
// the watermark, which never passed an unhandled change. Configuration errors fail at once.
// A page takes seconds (one or two list calls, then Temporal and database calls), so the
// start-to-close timeout alone notices a lost worker soon enough; heartbeats report progress.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

function add(total: ReconcileCounts, page: ReconcileCounts): void {
  total.scanned += page.scanned;
  total.started += page.started;
  total.alreadyHandled += page.alreadyHandled;
  total.skipped.echo += page.skipped.echo;
  total.skipped.seenBefore += page.skipped.seenBefore;
  total.serviceNowRequests += page.serviceNowRequests;
}

function describe(p: ReconcileProgress): string {
  return `page ${p.pages}: scanned ${p.scanned}, started ${p.started}, already handled ${p.alreadyHandled}, `
    + `skipped ${p.skipped.echo} echo + ${p.skipped.seenBefore} seen before; watermark ${p.watermarkTo}`;
}

/** The reconciliation workflow (type `reconcileIncidents`). */
export async function reconcileIncidents(input: ReconcileInput): Promise<ReconcileResult> {
  const opts = {
    overlapSeconds: input.overlapSeconds ?? defaults.overlapSeconds,
    initialLookbackSeconds: input.initialLookbackSeconds ?? defaults.initialLookbackSeconds,
    pageSize: input.pageSize ?? defaults.pageSize,
    pagesPerRun: input.pagesPerRun ?? defaults.pagesPerRun,
  };
  upsertSearchAttributes([{ key: tenantKey, value: input.tenantSlug }]);

  let progress: ReconcileProgress;
  if (input.resume) {
    progress = { ...input.resume, runs: input.resume.runs + 1 };
  } else {
    const start = await acts.beginReconciliation({
      tenantId: input.tenantId, overlapSeconds: opts.overlapSeconds, initialLookbackSeconds: opts.initialLookbackSeconds,
    });
    progress = {
      scanned: 0, started: 0, alreadyHandled: 0, skipped: { echo: 0, seenBefore: 0 }, serviceNowRequests: 0,
      watermarkFrom: start.watermarkFrom, watermarkTo: start.watermarkFrom, scannedFrom: start.position.updatedOn,
      position: start.position, pages: 0, runs: 1, examples: [],
    };
  }
  setHandler(reconcileProgressQuery, () => progress);

  for (let pagesThisRun = 0; ; pagesThisRun++) {
    if (pagesThisRun === opts.pagesPerRun) {
      // A long backlog: carry the position and the counts into a fresh history.
      return continueAsNew<typeof reconcileIncidents>({ ...input, resume: progress });
    }
    const page = await acts.reconcilePage({
      tenantId: input.tenantId, tenantSlug: input.tenantSlug, position: progress.position, pageSize: opts.pageSize,
    });
    add(progress, page);
    progress.pages++;
    progress.position = page.next;
    progress.watermarkTo = page.watermark;
    progress.examples = [...progress.examples, ...page.examples].slice(0, maxExamples);
    setCurrentDetails(describe(progress));
    if (page.exhausted) break;
  }
  const { position: _position, ...result } = progress;
  return { tenant: input.tenantSlug, ...result };
}
