/**
 * What Gatehouse accepts on its Slack interactivity URL, checked before anything reaches Bolt:
 * a form body with exactly one `payload` field holding either a `block_actions` click on one of
 * Gatehouse's buttons (Approve, Deny, Revert…) carrying a value Gatehouse issued, or a
 * `view_submission` of the revert modal. Anything else is a `schema` refusal with a reason —
 * Bolt would otherwise answer it with a 500 (no listener acks it within 3 s, or a listener
 * meets a field it relies on missing).
 *
 * Bolt then gets the payload as validated (unknown fields dropped), re-encoded as the plain form
 * body it parses, so nothing a listener or Bolt itself reads can differ from what was checked.
 */
import { z } from 'zod';
import {
  approveActionId, decodeButtonValue, decodeRevertValue, denyActionId, revertActionId,
} from '../../connectors/slack/action-ids';
import { revertModalCallbackId } from '../../connectors/slack/revert-modal';
import { WebhookRejection } from '../webhooks/rejections';
import { parseJsonText } from '../webhooks/webhook-body';

/** Slack ids (users, teams, channels) are short; anything longer is not from Slack. */
const slackId = z.string().min(1).max(64);

const user = z.object({
  id: slackId,
  team_id: slackId.optional(),
  username: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
});
/** Null when the app is installed org-wide (Enterprise Grid). */
const team = z.object({ id: slackId, domain: z.string().max(256).optional(), enterprise_id: slackId.optional() }).nullable().optional();
const enterprise = z.object({ id: slackId, name: z.string().max(256).optional() }).nullable().optional();

/** Who, where: the parts Bolt and Gatehouse's listeners read. */
const envelope = {
  user,
  team,
  enterprise,
  is_enterprise_install: z.boolean().optional(),
  api_app_id: slackId.optional(),
  trigger_id: z.string().min(1).max(256).optional(),
};

const buttonIds = [approveActionId, denyActionId, revertActionId] as const;

/** A button press; its value must be one Gatehouse puts on that button. */
const buttonAction = z.object({
  type: z.literal('button', { message: 'only button actions are handled' }),
  action_id: z.enum(buttonIds, { message: `action_id must be one of ${buttonIds.join(', ')}` }),
  block_id: z.string().max(255).optional(),
  value: z.string().max(2000),
  action_ts: z.string().max(64).optional(),
}).refine(
  (a) => (a.action_id === revertActionId ? decodeRevertValue(a.value) : decodeButtonValue(a.value)) !== undefined,
  { message: 'the button value is not one Gatehouse issued', path: ['value'] },
);

const blockActions = z.object({
  type: z.literal('block_actions'),
  ...envelope,
  channel: z.object({ id: slackId, name: z.string().max(256).optional() }).optional(),
  /** Where the listeners answer the person who clicked. */
  response_url: z.url({ protocol: /^https?$/, message: 'response_url must be an http(s) URL' }).max(2000),
  // Slack sends exactly one action per click; Bolt dispatches only the first.
  actions: z.array(buttonAction).length(1, { message: 'a click carries exactly one action' }),
});

/** A plain-text input's state, as the revert modal has only those. */
const inputState = z.object({ type: z.string().max(64), value: z.string().max(3000).nullable().optional() });

const viewSubmission = z.object({
  type: z.literal('view_submission'),
  ...envelope,
  view: z.object({
    id: z.string().max(64).optional(),
    type: z.literal('modal'),
    team_id: slackId.nullable().optional(),
    app_installed_team_id: slackId.optional(),
    callback_id: z.literal(revertModalCallbackId, { message: `callback_id must be ${revertModalCallbackId}` }),
    private_metadata: z.string().max(3000),
    hash: z.string().max(256).optional(),
    state: z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), inputState)) }),
  }),
});

/** Problems named in a refusal at most. */
const MAX_ISSUES = 5;

/** The interactions Gatehouse handles. */
export const interactivityPayloadSchema = z.discriminatedUnion('type', [blockActions, viewSubmission], {
  message: 'type must be block_actions or view_submission',
});

/** A validated interaction. */
export type InteractivityPayload = z.infer<typeof interactivityPayloadSchema>;

/**
 * The validated payload of a verified form body, or a `schema` refusal: 400 when the form has
 * no single `payload` field or it is not JSON, 422 when the JSON is not an interaction
 * Gatehouse handles (with each problem in `details`).
 */
export function readInteractivityPayload(rawBody: Buffer): InteractivityPayload {
  const fields = new URLSearchParams(rawBody.toString('utf8')).getAll('payload');
  if (fields.length !== 1) {
    throw new WebhookRejection('schema', 400, 'missing_payload', 'the form must carry exactly one payload field');
  }
  const parsed = interactivityPayloadSchema.safeParse(parseJsonText(fields[0]!, 'the payload field'));
  if (!parsed.success) {
    // Paths can hold the sender's own keys (the modal state's): a few, shortened, are enough to fix it.
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: i.path.join('.').slice(0, 100), message: i.message }));
    throw new WebhookRejection('schema', 422, 'invalid_payload', `payload is not an interaction Gatehouse handles: ${issues.map((i) => `${i.path || 'payload'}: ${i.message}`).join('; ')}`, { details: issues });
  }
  return parsed.data;
}

/** The form body Bolt parses: the validated payload only, as `payload=<JSON>`. */
export function boltFormBody(payload: InteractivityPayload): Buffer {
  return Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'utf8');
}
