/**
 * Whether parsed JSON can travel on safely: PostgreSQL refuses a NUL character in text and
 * jsonb ("unsupported Unicode escape sequence") and an unpaired UTF-16 surrogate ("Lone
 * surrogate is not allowed"), and JSON.stringify — on the way to the audit trail or a Temporal
 * payload — overflows the stack on deep enough nesting. A body holding any of these is refused
 * at parsing, for every route, instead of failing later as a 500.
 */

/** Deepest nesting accepted: far beyond any real webhook, far below what recursion survives. */
export const MAX_JSON_DEPTH = 64;

const NUL = '\u0000';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storableText(text: string): boolean {
  return !text.includes(NUL) && !LONE_SURROGATE.test(text);
}

interface Node {
  value: unknown;
  depth: number;
  /** How the sender's document reaches this value, for the message; built only on failure. */
  parent: Node | undefined;
  key: string | number | undefined;
}

/** `body.a[2]["odd key"]` — keys quoted and escaped when they are not plain, so none goes out raw. */
function pathOf(node: Node): string {
  const parts: string[] = [];
  for (let at: Node | undefined = node; at?.parent; at = at.parent) {
    const key = at.key;
    if (typeof key === 'number') parts.push(`[${key}]`);
    else if (key !== undefined && /^[A-Za-z_$][A-Za-z0-9_$-]{0,39}$/.test(key)) parts.push(`.${key}`);
    // JSON.stringify escapes NUL and unpaired surrogates, so the message itself stays storable.
    else parts.push(`[${JSON.stringify((key ?? '').slice(0, 40))}]`);
  }
  const path = `body${parts.reverse().join('')}`;
  // Deep nesting makes long paths; the start says where, and the answer stays short.
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}

/**
 * Why `value` (as JSON.parse returned it) cannot be accepted, or undefined when it can.
 * Iterative, so a hostile document cannot exhaust the stack here either.
 */
export function unstorableJson(value: unknown): string | undefined {
  const stack: Node[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (!storableText(current)) return `${pathOf(node)} holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (node.depth >= MAX_JSON_DEPTH) return `${pathOf(node)} is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(current)) {
      current.forEach((item: unknown, index) => stack.push({ value: item, depth: node.depth + 1, parent: node, key: index }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (!storableText(key)) return `a field name in ${pathOf(node)} holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`;
      stack.push({ value: item, depth: node.depth + 1, parent: node, key });
    }
  }
  return undefined;
}
