import { randomBytes } from 'node:crypto';
import { ModalStore } from './modals';
import { OAuthStore } from './oauth-store';
import type {
  ChannelInput,
  ChannelRecord,
  EphemeralMessage,
  MessageRecord,
  ResponseUrlRecord,
  SlackMessage,
  UserGroupInput,
  UserGroupRecord,
  UserInput,
  UserRecord,
  WorkspaceInput,
  WorkspaceRecord,
} from './types';

/** A response_url stays usable this long, like Slack's 30 minutes. */
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

/** Fields of a new channel message. */
export interface NewMessage {
  teamId: string;
  channel: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
}

/** Why a response_url cannot be used, as the error text Slack's hooks endpoint answers. */
export type ResponseUrlRejection = 'used_url' | 'expired_url';

/**
 * In-memory state of the simulated Slack: workspaces, users, channels, user groups, messages,
 * ephemerals and handed-out response_urls. Setup methods throw on inconsistent input so a
 * broken test fixture fails loudly instead of producing confusing Slack errors later.
 */
export class SlackStore {
  /** trigger_ids and the modals opened with them. */
  readonly modals = new ModalStore();
  /** OAuth apps, codes and the tokens issued through oauth.v2.access. */
  readonly oauth = new OAuthStore();
  private readonly workspaces = new Map<string, WorkspaceRecord>();
  private readonly tokens = new Map<string, WorkspaceRecord>();
  private readonly revoked = new Set<string>();
  private readonly users = new Map<string, UserRecord>();
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly userGroups = new Map<string, UserGroupRecord>();
  private readonly messageList: MessageRecord[] = [];
  private readonly ephemeralList: EphemeralMessage[] = [];
  private readonly responseUrls = new Map<string, ResponseUrlRecord>();
  private readonly calls = new Map<string, number>();
  private readonly callLog: Array<{ at: number; method: string }> = [];
  /** Message ts counter in units of 100 µs; deterministic so test output is stable. */
  private tsCounter = 0;
  private idCounter = 0;

  /** Adds a workspace; its bot becomes a user so users.info on the bot id works as in Slack. */
  addWorkspace(w: WorkspaceInput): WorkspaceRecord {
    if (this.workspaces.has(w.teamId)) throw new Error(`workspace ${w.teamId} already exists`);
    if (this.tokens.has(w.botToken)) throw new Error('bot token already used by another workspace');
    const record: WorkspaceRecord = {
      teamId: w.teamId,
      domain: w.domain,
      botToken: w.botToken,
      botUserId: w.botUserId ?? `UBOT${w.teamId}`,
      botId: `BBOT${w.teamId}`,
      botName: 'gatehouse',
      appId: w.appId ?? `ASIM${w.teamId}`,
      verificationToken: `verif-${w.teamId}`,
    };
    this.workspaces.set(record.teamId, record);
    this.tokens.set(record.botToken, record);
    this.addUser({ id: record.botUserId, teamId: record.teamId, name: record.botName, isBot: true });
    return record;
  }

  /** Adds a user to an existing workspace. */
  addUser(u: UserInput): void {
    this.requireWorkspace(u.teamId);
    this.users.set(u.id, {
      id: u.id,
      teamId: u.teamId,
      name: u.name,
      realName: u.realName ?? u.name,
      ...(u.email === undefined ? {} : { email: u.email }),
      deleted: u.deleted ?? false,
      isBot: u.isBot ?? false,
    });
  }

  /** Adds a channel to an existing workspace. */
  addChannel(c: ChannelInput): void {
    this.requireWorkspace(c.teamId);
    this.channels.set(c.id, {
      id: c.id,
      teamId: c.teamId,
      name: c.name,
      botIsMember: c.botIsMember ?? true,
      created: 1690000000,
    });
  }

  /** Adds a user group to an existing workspace. */
  addUserGroup(g: UserGroupInput): void {
    this.requireWorkspace(g.teamId);
    this.userGroups.set(g.id, { id: g.id, teamId: g.teamId, handle: g.handle, users: [...g.users] });
  }

  /** Marks a token revoked; it stays revoked even if unknown, mirroring a real uninstall. */
  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** Whether the token was revoked. */
  isRevoked(token: string): boolean {
    return this.revoked.has(token);
  }

  /** The workspace a bot token belongs to. */
  workspaceByToken(token: string): WorkspaceRecord | undefined {
    return this.tokens.get(token);
  }

  /** A workspace by team id. */
  workspace(teamId: string): WorkspaceRecord | undefined {
    return this.workspaces.get(teamId);
  }

  /** The first workspace added, where an install lands when nothing else says which. */
  firstWorkspace(): WorkspaceRecord | undefined {
    return this.workspaces.values().next().value;
  }

  /** The first non-bot user of `teamId`, the default installing user. */
  firstHumanUser(teamId: string): UserRecord | undefined {
    for (const u of this.users.values()) if (u.teamId === teamId && !u.isBot) return u;
    return undefined;
  }

  /** A user of `teamId`; users of other workspaces are invisible, as to a single-workspace app. */
  user(teamId: string, id: string): UserRecord | undefined {
    const user = this.users.get(id);
    return user?.teamId === teamId ? user : undefined;
  }

  /** A user by id, in any workspace. */
  anyUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** A channel of `teamId` by id, `name` or `#name` (Slack accepts all three for chat methods). */
  channel(teamId: string, idOrName: string): ChannelRecord | undefined {
    const byId = this.channels.get(idOrName);
    if (byId !== undefined) return byId.teamId === teamId ? byId : undefined;
    const name = idOrName.startsWith('#') ? idOrName.slice(1) : idOrName;
    for (const c of this.channels.values()) {
      if (c.teamId === teamId && c.name === name) return c;
    }
    return undefined;
  }

  /** A channel by id, in any workspace. */
  anyChannel(id: string): ChannelRecord | undefined {
    return this.channels.get(id);
  }

  /** A user group of `teamId`. */
  userGroup(teamId: string, id: string): UserGroupRecord | undefined {
    const group = this.userGroups.get(id);
    return group?.teamId === teamId ? group : undefined;
  }

  /** Next message ts: "1700000000.000100", "1700000000.000200", … unique and increasing. */
  nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    const seconds = 1700000000 + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** Next numeric id, for response_url ids. */
  nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  /** Stores a new channel message with a fresh ts. */
  postMessage(m: NewMessage): MessageRecord {
    const record: MessageRecord = { ...m, ts: this.nextTs(), updatedCount: 0, history: [], deleted: false };
    this.messageList.push(record);
    return record;
  }

  /** A message by channel id and ts, including deleted ones when `includeDeleted`. */
  findMessage(channel: string, ts: string, includeDeleted = false): MessageRecord | undefined {
    return this.messageList.find((m) => m.channel === channel && m.ts === ts && (includeDeleted || !m.deleted));
  }

  /** Edits a message, keeping its previous version in history. */
  updateMessage(m: MessageRecord, text: string, blocks: unknown[]): void {
    m.history.push({ text: m.text, blocks: m.blocks });
    m.text = text;
    m.blocks = blocks;
    m.updatedCount += 1;
  }

  /** Deletes a message; it disappears from messages() but forced clicks can still find it. */
  deleteMessage(m: MessageRecord): void {
    m.deleted = true;
  }

  /** Records an ephemeral message. */
  addEphemeral(e: EphemeralMessage): void {
    this.ephemeralList.push(e);
  }

  /** Hands out a response_url record for one click. */
  createResponseUrl(teamId: string, channel: string, messageTs: string, userId: string): ResponseUrlRecord {
    const record: ResponseUrlRecord = {
      teamId,
      id: String(397700000000 + this.nextId()),
      secret: randomBytes(12).toString('hex'),
      channel,
      messageTs,
      userId,
      uses: 0,
      createdAtMs: Date.now(),
    };
    this.responseUrls.set(responseUrlKey(record.teamId, record.id, record.secret), record);
    return record;
  }

  /** A response_url record by its path parts. */
  responseUrl(teamId: string, id: string, secret: string): ResponseUrlRecord | undefined {
    return this.responseUrls.get(responseUrlKey(teamId, id, secret));
  }

  /** Counts one use of a response_url, or says why it cannot be used (5 uses in 30 minutes). */
  useResponseUrl(r: ResponseUrlRecord, nowMs: number = Date.now()): ResponseUrlRejection | undefined {
    if (nowMs - r.createdAtMs > RESPONSE_URL_TTL_MS) return 'expired_url';
    if (r.uses >= 5) return 'used_url';
    r.uses += 1;
    return undefined;
  }

  /** Counts one Web API call and notes when it arrived. */
  countCall(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    this.callLog.push({ at: Date.now(), method });
  }

  /** Web API calls with the wall-clock time each arrived (ms), oldest first. */
  callTimeline(): Array<{ at: number; method: string }> {
    return [...this.callLog];
  }

  /** Web API call counts by method. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  /** Copies of live messages, oldest first. */
  messages(channel?: string): SlackMessage[] {
    return this.messageList
      .filter((m) => !m.deleted && (channel === undefined || m.channel === channel))
      .map(toSlackMessage);
  }

  /** Copies of ephemeral messages, in posting order. */
  ephemerals(user?: string): EphemeralMessage[] {
    return this.ephemeralList.filter((e) => user === undefined || e.user === user).map((e) => structuredClone(e));
  }

  private requireWorkspace(teamId: string): void {
    if (!this.workspaces.has(teamId)) throw new Error(`unknown workspace ${teamId}: call addWorkspace first`);
  }
}

function responseUrlKey(teamId: string, id: string, secret: string): string {
  return `${teamId}/${id}/${secret}`;
}

/** Projects a record onto the public shape, deep-copied so tests cannot mutate the store. */
function toSlackMessage(m: MessageRecord): SlackMessage {
  const out: SlackMessage = {
    channel: m.channel,
    ts: m.ts,
    text: m.text,
    blocks: structuredClone(m.blocks),
    updatedCount: m.updatedCount,
    history: structuredClone(m.history),
  };
  if (m.thread_ts !== undefined) out.thread_ts = m.thread_ts;
  if (m.user !== undefined) out.user = m.user;
  if (m.bot_id !== undefined) out.bot_id = m.bot_id;
  return out;
}
