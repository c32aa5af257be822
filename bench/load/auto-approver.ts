/**
 * Plays the approver: watches the Slack simulator for approval messages and clicks Approve on
 * each, as an eligible approver, through a signed interactivity request to the app's Request
 * URL — exactly what Slack sends. A refused click (429) is clicked again after Retry-After,
 * as a person would; so is a click answered 200 whose buttons are still there seconds later
 * (Gatehouse tells the person when it could not confirm a decision in time, and to click again
 * if the buttons are still there).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlackMessage, SlackSimulator } from '../../test/simulators/slack';
import { NoAnswerError, type HttpClient } from './http-client';

export interface ApproverConfig {
  slack: SlackSimulator;
  channel: string;
  interactivityUrl: string;
  signingSecret: string;
  userId: string;
  /** action_id of the Approve button. */
  actionId: string;
  client: HttpClient;
}

const POLL_MS = 20;
const MAX_ATTEMPTS = 6;
/** A person looks again this long after a click whose buttons stayed. */
const LOOK_AGAIN_MS = 5_000;

/** The value of the first button with `actionId` anywhere in the blocks. */
function buttonValue(node: unknown, actionId: string): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = buttonValue(item, actionId);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (record.action_id === actionId && typeof record.value === 'string') return record.value;
  return buttonValue(Object.values(record), actionId);
}

/** Both the Gatehouse and the baseline buttons carry the incident's sys_id in their value (inside the workflow id). */
function sysIdOf(message: SlackMessage, actionId: string): string | undefined {
  return buttonValue(message.blocks, actionId)?.match(/[0-9a-f]{32}/)?.[0];
}

export class AutoApprover {
  private readonly seen = new Set<string>();
  private readonly firstClick = new Map<string, number>();
  private readonly statuses = new Map<string, number>();
  /** The first answer body for each status other than 200, to say why. */
  private readonly examples = new Map<string, string>();
  private readonly ackMs: number[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private postsSeen = -1;
  /** Messages clicked, for a second look: when, how often, and the incident. */
  private readonly clicked = new Map<string, { at: number; times: number; sysId: string }>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly config: ApproverConfig) {}

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops watching and waits for clicks still on their way. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** When the first click for the incident's approval went out (ms), if one did. */
  clickedAt(sysId: string): number | undefined {
    return this.firstClick.get(sysId);
  }

  clicks(): { messages: number; byStatus: Record<string, number>; ackMs: number[]; examples: Record<string, string> } {
    return { messages: this.firstClick.size, byStatus: Object.fromEntries(this.statuses), ackMs: [...this.ackMs], examples: Object.fromEntries(this.examples) };
  }

  private async poll(): Promise<void> {
    while (this.running) {
      // messages() copies the whole channel; only look when something was posted.
      const posts = this.config.slack.callCounts()['chat.postMessage'] ?? 0;
      if (posts !== this.postsSeen) {
        this.postsSeen = posts;
        for (const message of this.config.slack.messages(this.config.channel)) {
          if (this.seen.has(message.ts)) continue;
          const sysId = sysIdOf(message, this.config.actionId);
          if (sysId === undefined) continue;
          this.seen.add(message.ts);
          this.track(this.click(message.ts, sysId));
          this.clicked.set(message.ts, { at: Date.now(), times: 1, sysId });
        }
      }
      this.lookAgain();
      await sleep(POLL_MS);
    }
  }

  private track(click: Promise<void>): void {
    this.inFlight.add(click);
    void click.finally(() => this.inFlight.delete(click));
  }

  /** Clicks again where the buttons are still there a while after the last click. */
  private lookAgain(): void {
    const now = Date.now();
    for (const [ts, entry] of this.clicked) {
      if (now - entry.at < LOOK_AGAIN_MS) continue;
      if (entry.times >= MAX_ATTEMPTS || !this.hasButtons(ts)) {
        this.clicked.delete(ts);
        continue;
      }
      entry.at = now;
      entry.times++;
      this.statuses.set('clicked again', (this.statuses.get('clicked again') ?? 0) + 1);
      this.track(this.click(ts, entry.sysId));
    }
  }

  private hasButtons(ts: string): boolean {
    const { slack, ...target } = this.config;
    try {
      slack.clickRequest({
        interactivityUrl: target.interactivityUrl, signingSecret: target.signingSecret,
        channel: target.channel, ts, actionId: target.actionId, userId: target.userId,
      });
      return true;
    } catch {
      return false;
    }
  }

  private async click(ts: string, sysId: string): Promise<void> {
    const { slack, client, ...target } = this.config;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let request: ReturnType<SlackSimulator['clickRequest']>;
      try {
        request = slack.clickRequest({
          interactivityUrl: target.interactivityUrl, signingSecret: target.signingSecret,
          channel: target.channel, ts, actionId: target.actionId, userId: target.userId,
        });
      } catch {
        // The button is gone (the run moved on while we waited to click again): nothing to click.
        this.statuses.set('button gone', (this.statuses.get('button gone') ?? 0) + 1);
        return;
      }
      if (!this.firstClick.has(sysId)) this.firstClick.set(sysId, Date.now());
      let status = 0;
      let retryAfter = 1;
      try {
        const answer = await client.post(request.url, request.headers, request.body);
        status = answer.status;
        this.ackMs.push(answer.elapsedMs);
        if (status !== 200 && !this.examples.has(String(status))) this.examples.set(String(status), answer.body.slice(0, 300));
        retryAfter = Number(answer.headers['retry-after'] ?? 1) || 1;
      } catch (err) {
        if (!(err instanceof NoAnswerError)) throw err;
      }
      this.statuses.set(String(status), (this.statuses.get(String(status)) ?? 0) + 1);
      if (status !== 429) return;
      await sleep(retryAfter * 1000);
    }
  }
}
