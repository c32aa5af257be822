/**
 * Whether the admin API refuses an install review outright, from the install's row alone (no
 * worker query): an install that is not waiting for review, or the requester approving their
 * own install. The run checks self-approval again (defence in depth); refusing here means the
 * person is told so in the answer instead of getting a "submitted" that the run then ignores.
 */
import type { ConnectorInstall } from '../../db/installs-repo';
import { HttpError } from '../http-error';

export interface InstallReview {
  reviewer: string;
  decision: 'approve' | 'reject';
}

/** Identities are free text (usually e-mail addresses): case and stray spaces do not make another person. */
const samePerson = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The refusal for `review` of `install` (undefined when there is no install row), or undefined when it may go to the run. */
export function installReviewRefusal(connectorId: string, install: ConnectorInstall | undefined, review: InstallReview): HttpError | undefined {
  if (!install?.workflowId) return new HttpError(404, 'install_not_found', 'no install is waiting for review');
  if (install.status !== 'pending_review') {
    return new HttpError(409, 'not_pending_review', `the install of ${connectorId} is not waiting for review (it is ${install.status})`);
  }
  if (review.decision === 'approve' && install.requestedBy !== null && samePerson(install.requestedBy, review.reviewer)) {
    return new HttpError(403, 'self_review', 'the requester cannot approve their own install');
  }
  return undefined;
}
