import type { ApiParams } from './request-params';

/** Slack rejects messages with more than 50 blocks. */
const MAX_MESSAGE_BLOCKS = 50;

/** Result of reading a `blocks` argument: absent, a valid array, or `invalid_blocks`. */
export type BlocksParam = { kind: 'absent' } | { kind: 'ok'; blocks: unknown[] } | { kind: 'invalid' };

/**
 * Reads `blocks`: a JSON string in form bodies (how `@slack/web-api` sends it) or an array in
 * JSON bodies. Must be an array of at most 50 objects, each with a string `type`.
 */
export function readBlocks(params: ApiParams): BlocksParam {
  const raw = params['blocks'];
  if (raw === undefined || raw === null || raw === '') return { kind: 'absent' };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { kind: 'invalid' };
    }
  }
  if (!Array.isArray(value) || value.length > MAX_MESSAGE_BLOCKS) return { kind: 'invalid' };
  const allTyped = value.every((b) => isRecord(b) && typeof b['type'] === 'string');
  return allTyped ? { kind: 'ok', blocks: value } : { kind: 'invalid' };
}

/** A button element located in a message's blocks. */
export interface FoundButton {
  blockId: string;
  element: Record<string, unknown>;
}

/**
 * Finds the button with `actionId` in `actions` blocks or as a `section` accessory — the places
 * a button can live in a message. Slack fills in a block_id when the app omits one, so we do too.
 */
export function findButton(blocks: unknown[], actionId: string): FoundButton | undefined {
  for (const [index, block] of blocks.entries()) {
    if (!isRecord(block)) continue;
    const blockId = typeof block['block_id'] === 'string' ? block['block_id'] : `block-${index}`;
    const candidates: unknown[] = [];
    if (block['type'] === 'actions' && Array.isArray(block['elements'])) candidates.push(...block['elements']);
    if (block['type'] === 'section') candidates.push(block['accessory']);
    for (const element of candidates) {
      if (isRecord(element) && element['type'] === 'button' && element['action_id'] === actionId) {
        return { blockId, element };
      }
    }
  }
  return undefined;
}

/** Narrow `unknown` to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
