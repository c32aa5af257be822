/**
 * Tamper evidence for the audit trail: a SHA-256 hash chain per tenant, and its verifier.
 *
 * Hash format (the contract; change it only together with a migration that re-chains):
 *
 *     hash = sha256_hex(prev_hash + "\n" + canonical_json(payload))
 *     payload = { id, tenantId, workflowId, type, actor, outcome, detail, createdAt }
 *
 * - canonical_json is RFC 8785 (JCS): keys sorted by UTF-16 code units, no whitespace,
 *   ECMAScript number and string serialisation;
 * - id is the event's bigint id as a decimal string; tenantId the lowercase hyphenated UUID;
 *   absent values are JSON null; detail is the JSON object as stored; createdAt is ISO 8601 in
 *   UTC with milliseconds (`Date.prototype.toISOString`), stored with exactly that precision;
 * - prev_hash is the previous event's hash in the same chain, or {@link GENESIS_HASH} for a
 *   chain's first hashed event. Chains: one per tenant, and "global" for events without one.
 *
 * Events written before migration 0002 carry no hashes; they may only precede a chain's first
 * hashed event and are reported as `unhashed`, not verified.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit-repo';
import { isUuid, type Queryable } from './queryable';

/** prev_hash of a chain's first hashed event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Chain key (audit_chain_heads.chain_key) of the events without a tenant. */
export const GLOBAL_CHAIN_KEY = 'global';

/** Rows read per query while verifying, which bounds the verifier's memory. */
export const VERIFY_PAGE_SIZE = 1000;

/** An audit_events row as node-postgres returns it. */
export interface AuditEventRow {
  id: string;
  tenant_id: string | null;
  workflow_id: string | null;
  type: string;
  actor: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
  created_at: Date;
}

/** The event a row holds. */
export function auditEventFromRow(r: AuditEventRow): AuditEvent {
  return {
    id: r.id, tenantId: r.tenant_id, workflowId: r.workflow_id, type: r.type,
    actor: r.actor, outcome: r.outcome, detail: r.detail, createdAt: r.created_at,
  };
}

/** The chain an event belongs to: its tenant's id (lowercase UUID) or {@link GLOBAL_CHAIN_KEY}. */
export function auditChainKey(tenantId: string | null): string {
  return tenantId ?? GLOBAL_CHAIN_KEY;
}

type Canonicalize = (input: unknown) => string | undefined;
let canonicalizeLoaded: Promise<Canonicalize> | undefined;

function loadCanonicalize(): Promise<Canonicalize> {
  // canonicalize 4 is ESM-only and its exports map has only an "import" condition, so require()
  // cannot resolve it; a dynamic import() can, from CommonJS too.
  canonicalizeLoaded ??= import('canonicalize').then((m) => m.default);
  return canonicalizeLoaded;
}

/** The canonical JSON (RFC 8785) that an event's hash covers, without the chain link. */
export async function canonicalAuditPayload(event: AuditEvent): Promise<string> {
  const canonicalize = await loadCanonicalize();
  const text = canonicalize({
    id: event.id, tenantId: event.tenantId, workflowId: event.workflowId, type: event.type,
    actor: event.actor, outcome: event.outcome, detail: event.detail, createdAt: event.createdAt.toISOString(),
  });
  if (text === undefined) throw new TypeError('audit event is not serialisable as JSON');
  return text;
}

/** The event's hash given the previous event's hash (see the format in this module's header). */
export async function hashAuditEvent(prevHash: string, event: AuditEvent): Promise<string> {
  const payload = await canonicalAuditPayload(event);
  return createHash('sha256').update(`${prevHash}\n${payload}`, 'utf8').digest('hex');
}

/** Outcome of {@link verifyAuditChain}. */
export interface AuditChainVerification {
  /** True when every hashed event and every chain head checked out. */
  ok: boolean;
  /** Hashed events verified (before the first broken one, when there is one). */
  checked: number;
  /**
   * The first event that does not verify. For events missing from a chain's end, the id the
   * chain head records as the last event. Absent when ok, or when a chain head is missing.
   */
  firstBrokenId?: string;
  /** Why verification failed, for people. */
  reason?: string;
  /** Events from before hashing existed (no hashes, not verifiable). Omitted when none. */
  unhashed?: number;
}

/** Which chain(s) {@link verifyAuditChain} walks. */
export interface VerifyAuditChainOptions {
  /** A tenant's id: its chain; null: the global chain; omitted: every chain. */
  tenantId?: string | null;
  /** Rows per query (default {@link VERIFY_PAGE_SIZE}). */
  pageSize?: number;
}

interface ChainedRow extends AuditEventRow {
  prev_hash: string | null;
  hash: string | null;
}

interface ChainResult {
  ok: boolean;
  checked: number;
  unhashed: number;
  firstBrokenId?: string;
  reason?: string;
}

async function readHead(db: Queryable, chainKey: string): Promise<{ lastId: string | null; lastHash: string } | undefined> {
  const { rows } = await db.query<{ last_id: string | null; last_hash: string }>(
    'SELECT last_id::text AS last_id, last_hash FROM audit_chain_heads WHERE chain_key = $1',
    [chainKey],
  );
  const row = rows[0];
  return row && { lastId: row.last_id, lastHash: row.last_hash };
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Walks one chain in id order, page by page, from where the previous call stopped. */
class ChainWalk {
  expectedPrev = GENESIS_HASH;
  lastId = '0';
  checked = 0;
  unhashed = 0;
  private readonly chainFilter: string;
  private readonly chainValues: unknown[];

  constructor(private readonly db: Queryable, readonly chainKey: string, private readonly pageSize: number) {
    const global = chainKey === GLOBAL_CHAIN_KEY;
    this.chainFilter = global ? 'tenant_id IS NULL' : 'tenant_id = $1';
    this.chainValues = global ? [] : [chainKey];
  }

  broken(id: string | undefined, reason: string): ChainResult {
    return { ok: false, checked: this.checked, unhashed: this.unhashed, reason, ...(id !== undefined ? { firstBrokenId: id } : {}) };
  }

  /** Verifies the events after the last one walked, up to `upTo` (inclusive) or the end; a failure, or undefined. */
  async walk(upTo?: string): Promise<ChainResult | undefined> {
    for (;;) {
      // Keyset paging on id (the (tenant_id, id) index) keeps memory at one page.
      const values: unknown[] = [...this.chainValues];
      const after = `id > $${values.push(this.lastId)}`;
      const bound = upTo === undefined ? '' : `AND id <= $${values.push(upTo)}`;
      const limit = `LIMIT $${values.push(this.pageSize)}`;
      const { rows } = await this.db.query<ChainedRow>(
        `SELECT id, tenant_id, workflow_id, type, actor, outcome, detail, created_at, prev_hash, hash
         FROM audit_events WHERE ${this.chainFilter} AND ${after} ${bound} ORDER BY id ${limit}`,
        values,
      );
      for (const row of rows) {
        const failure = await this.check(row);
        if (failure) return failure;
        this.lastId = row.id;
      }
      if (rows.length < this.pageSize) return undefined;
    }
  }

  private async check(row: ChainedRow): Promise<ChainResult | undefined> {
    if (row.hash === null && row.prev_hash === null) {
      // Legacy rows are tolerated only before hashing began: a NULL later means stripped hashes.
      if (this.checked > 0) return this.broken(row.id, 'event has no hash but follows hashed events: its hashes were removed');
      this.unhashed += 1;
      return undefined;
    }
    if (row.hash === null || row.prev_hash === null) return this.broken(row.id, 'event has only one of prev_hash and hash');
    if (row.prev_hash !== this.expectedPrev) {
      return this.broken(row.id, "prev_hash does not match the previous event's hash: an event before it was removed, inserted or reordered");
    }
    if ((await hashAuditEvent(row.prev_hash, auditEventFromRow(row))) !== row.hash) {
      return this.broken(row.id, "hash does not match the event's content: the event was changed");
    }
    this.expectedPrev = row.hash;
    this.checked += 1;
    return undefined;
  }

  /** The first event after `id` in this chain. */
  async firstAfter(id: string): Promise<string | undefined> {
    const values = [...this.chainValues, id];
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT min(id)::text AS id FROM audit_events WHERE ${this.chainFilter} AND id > $${values.length}`,
      values,
    );
    return rows[0]?.id ?? undefined;
  }
}

/**
 * Verifies one chain without holding a transaction open. Appends commit an event together with
 * its chain head, and the head only moves forward, so after walking to the end, a head behind
 * the walk means events were added around appendAudit; a head ahead means events were appended
 * meanwhile (walked up to that head) or removed from the end (the walk cannot reach it).
 */
async function verifyChain(db: Queryable, chainKey: string, pageSize: number): Promise<ChainResult> {
  const walk = new ChainWalk(db, chainKey, pageSize);
  const failure = await walk.walk();
  if (failure) return failure;
  const head = await readHead(db, chainKey);
  if (!head) {
    return walk.lastId === '0' ? { ok: true, checked: walk.checked, unhashed: walk.unhashed } : walk.broken(undefined, 'the chain head record is missing');
  }
  const headId = head.lastId ?? '0';
  const order = compareIds(headId, walk.lastId);
  if (order < 0) {
    return walk.broken(await walk.firstAfter(headId), `events after the chain head (event ${headId}) were not appended through the chain`);
  }
  if (order > 0) {
    const late = await walk.walk(headId);
    if (late) return late;
    if (walk.lastId !== headId) {
      return walk.broken(headId, `the chain head records event ${headId} as the last but the chain ends at ${walk.lastId}: events at its end were removed`);
    }
  }
  if (walk.expectedPrev !== head.lastHash) return walk.broken(headId, "the last event's hash does not match the chain head");
  return { ok: true, checked: walk.checked, unhashed: walk.unhashed };
}

async function allChainKeys(db: Queryable): Promise<string[]> {
  // Events are scanned too, so a chain whose head record was deleted is still verified.
  const { rows } = await db.query<{ chain_key: string }>(
    `SELECT chain_key FROM audit_chain_heads
     UNION SELECT DISTINCT COALESCE(tenant_id::text, $1) FROM audit_events
     ORDER BY 1`,
    [GLOBAL_CHAIN_KEY],
  );
  return rows.map((r) => r.chain_key);
}

/** Orders failures by the broken event's id; one without an id (missing head) sorts last. */
function brokenEarlier(a: ChainResult, b: ChainResult): boolean {
  if (a.firstBrokenId === undefined) return false;
  return b.firstBrokenId === undefined || compareIds(a.firstBrokenId, b.firstBrokenId) < 0;
}

function finish(result: ChainResult): AuditChainVerification {
  const { unhashed, ...rest } = result;
  return unhashed > 0 ? { ...rest, unhashed } : rest;
}

/**
 * Verifies the audit hash chain(s): walks each chain in id order, recomputing every hash, and
 * reports the first broken link. A changed event fails its own hash; a removed, inserted or
 * reordered one makes the next event's prev_hash mismatch; events removed from the end no
 * longer reach the chain head. With every chain, the earliest broken event (by id) is reported
 * and `checked` counts all chains. Needs only `query`, so on the embedded database it must not
 * be called while the caller holds a pool client.
 */
export async function verifyAuditChain(db: Queryable, opts: VerifyAuditChainOptions = {}): Promise<AuditChainVerification> {
  const requested = opts.pageSize ?? VERIFY_PAGE_SIZE;
  const pageSize = Number.isFinite(requested) ? Math.max(1, Math.trunc(requested)) : VERIFY_PAGE_SIZE;
  if (typeof opts.tenantId === 'string' && !isUuid(opts.tenantId)) throw new RangeError('tenantId must be a UUID');
  if (opts.tenantId !== undefined) {
    return finish(await verifyChain(db, auditChainKey(opts.tenantId?.toLowerCase() ?? null), pageSize));
  }
  const total: ChainResult = { ok: true, checked: 0, unhashed: 0 };
  let firstBroken: ChainResult | undefined;
  for (const key of await allChainKeys(db)) {
    const result = await verifyChain(db, key, pageSize);
    total.checked += result.checked;
    total.unhashed += result.unhashed;
    if (!result.ok && (!firstBroken || brokenEarlier(result, firstBroken))) {
      firstBroken = { ...result, reason: `chain ${key}: ${result.reason ?? 'broken'}` };
    }
  }
  if (!firstBroken) return finish(total);
  const { firstBrokenId, reason } = firstBroken;
  return finish({ ...total, ok: false, ...(firstBrokenId !== undefined ? { firstBrokenId } : {}), ...(reason !== undefined ? { reason } : {}) });
}
