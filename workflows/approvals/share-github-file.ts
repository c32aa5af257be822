/**
 * Example approval workflow: read a file from a GitHub repository and, once a person agrees,
 * post its contents to the tenant's Slack channel. The read needs no approval (the policy allows
 * read-only actions) and goes through the same path; the post is an external write and waits
 * for the approval, which shows the exact message.
 */
import type { getFileContentsAction } from '../../connectors/github/actions/get-file-contents';
import type { postMessageAction } from '../../connectors/slack/actions/post-message';
import { approvalRun, type ApprovalRunInput, type PlanOutcome } from '../sdk/approval-run';

export interface ShareGitHubFileInput extends ApprovalRunInput {
  owner: string;
  repo: string;
  path: string;
  ref?: string;
  /** Why it should be shared, shown to approvers. */
  reason: string;
}

/** Slack shows at most 40,000 characters of text; a long file is cut with a note. */
const MAX_SHARED_CHARS = 3_000;

export async function shareGitHubFileAfterApproval(input: ShareGitHubFileInput): Promise<PlanOutcome> {
  const run = approvalRun(input, `${input.owner}/${input.repo}:${input.path}`);
  return run.guard(async () => {
    const file = await run.action<typeof getFileContentsAction>('github.contents.get',
      { owner: input.owner, repo: input.repo, path: input.path, ...(input.ref ? { ref: input.ref } : {}) },
      { purpose: 'read' });
    if (file.status !== 'completed' || !file.output) return run.result(file);
    const body = file.output.text.length > MAX_SHARED_CHARS ? `${file.output.text.slice(0, MAX_SHARED_CHARS)}\n… (cut)` : file.output.text;
    const text = `${input.owner}/${input.repo}: ${file.output.path}\n\`\`\`\n${body}\n\`\`\``;
    return run.result(await run.action<typeof postMessageAction>('slack.chat.post_message', { text }, { purpose: 'sharing', reason: input.reason }));
  });
}
