/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a value: the exact bytes signatures and digests
 * are computed over, so key order and whitespace in a manifest file never matter.
 */

type Canonicalize = (input: unknown) => string | undefined;
let loaded: Promise<Canonicalize> | undefined;

/**
 * `canonicalize` is an ES module without a CommonJS export, so this CommonJS project can only
 * reach it through a dynamic import; the module is loaded once and reused.
 */
function loadCanonicalize(): Promise<Canonicalize> {
  loaded ??= import('canonicalize').then((mod) => mod.default);
  return loaded;
}

/** The canonical JSON text of `value`; throws for values JSON cannot represent. */
export async function canonicalJson(value: unknown): Promise<string> {
  const canonicalize = await loadCanonicalize();
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
