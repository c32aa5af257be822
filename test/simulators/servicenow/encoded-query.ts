/**
 * ServiceNow encoded queries (`sysparm_query`): parse once, then evaluate per row.
 *
 * Grammar (wire reference §1 "Encoded query"): conditions `<field><OP><value>` joined by `^`
 * (AND); `^OR` ORs a condition with the one before it; `^NQ` starts a new OR'ed group;
 * `^ORDERBY<f>` / `^ORDERBYDESC<f>` sort; `^^` is a literal caret. Parts that cannot be parsed,
 * name unknown fields or use unsupported operators are silently ignored, as a real instance does.
 */

/** Operators the simulator evaluates. */
export type Operator =
  | '=' | '!=' | '>' | '>=' | '<' | '<='
  | 'LIKE' | 'NOTLIKE' | 'STARTSWITH' | 'ENDSWITH'
  | 'IN' | 'NOT IN' | 'ISEMPTY' | 'ISNOTEMPTY' | 'BETWEEN';

/** One `<field><OP><value>` condition. */
export interface Condition {
  field: string;
  operator: Operator;
  value: string;
}

/** One sort key. */
export interface OrderBy {
  field: string;
  descending: boolean;
}

/**
 * A parsed query: OR of groups (`^NQ`); each group is an AND of terms (`^`); each term is an
 * OR of conditions (`^OR`). No groups means "match everything".
 */
export interface EncodedQuery {
  groups: Condition[][][];
  orderBy: OrderBy[];
}

// Longest and most specific first, so `>=` is not read as `>` and `NOT IN` not as a field.
const OPERATORS: readonly Operator[] = [
  'ISNOTEMPTY', 'ISEMPTY', 'NOT IN', 'NOTLIKE', 'STARTSWITH', 'ENDSWITH', 'BETWEEN', 'LIKE', 'IN',
  '!=', '>=', '<=', '=', '>', '<',
];

// Field names are lower-case (dot-walks included); operators are upper-case or symbols.
const FIELD = /^[a-z0-9_.]+/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Splits on `^`, reading `^^` as a literal caret. */
function splitParts(query: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch !== '^') {
      current += ch;
    } else if (query[i + 1] === '^') {
      current += '^';
      i++;
    } else {
      parts.push(current);
      current = '';
    }
  }
  parts.push(current);
  return parts;
}

/** Parses one condition; undefined for anything the simulator would have to ignore. */
function parseCondition(text: string, isValidField: (field: string) => boolean): Condition | undefined {
  const field = FIELD.exec(text)?.[0];
  if (field === undefined || !isValidField(field)) return undefined;
  const rest = text.slice(field.length);
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (operator === undefined) return undefined;
  const value = rest.slice(operator.length);
  // Script values (javascript:gs.daysAgo(1)) would need a server-side engine.
  if (value.startsWith('javascript:')) return undefined;
  return { field, operator, value };
}

/** Parses `sysparm_query`. `isValidField` decides which field paths the table knows. */
export function parseEncodedQuery(query: string, isValidField: (field: string) => boolean): EncodedQuery {
  const groups: Condition[][][] = [[]];
  const orderBy: OrderBy[] = [];
  for (const rawPart of splitParts(query)) {
    let part = rawPart;
    if (part.startsWith('NQ')) {
      groups.push([]);
      part = part.slice(2);
    }
    const group = groups[groups.length - 1];
    if (part === '' || part === 'EQ' || group === undefined) continue;
    if (part.startsWith('ORDERBY')) {
      const descending = part.startsWith('ORDERBYDESC');
      const field = part.slice(descending ? 'ORDERBYDESC'.length : 'ORDERBY'.length);
      if (isValidField(field)) orderBy.push({ field, descending });
      continue;
    }
    const isOr = part.startsWith('OR');
    const condition = parseCondition(isOr ? part.slice(2) : part, isValidField);
    if (!condition) continue;
    const previous = group[group.length - 1];
    if (isOr && previous) previous.push(condition);
    else group.push([condition]);
  }
  // A group whose every condition was ignored is dropped rather than turned into "match all".
  return { groups: groups.filter((group) => group.length > 0), orderBy };
}

/** Equality-only query from bare `field=value` URL parameters (AND of all). */
export function queryFromFilters(filters: ReadonlyArray<readonly [string, string]>): EncodedQuery {
  const group = filters.map(([field, value]): Condition[] => [{ field, operator: '=', value }]);
  return { groups: group.length > 0 ? [group] : [], orderBy: [] };
}

/** Orders two stored values: numerically when both are numbers, otherwise as strings (dates sort correctly). */
export function compareValues(a: string, b: string): number {
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function evaluate(condition: Condition, actual: string): boolean {
  const { operator, value } = condition;
  const lower = actual.toLowerCase();
  switch (operator) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    // Like SQL NULL, an empty value satisfies no ordering comparison.
    case '>': return actual !== '' && compareValues(actual, value) > 0;
    case '>=': return actual !== '' && compareValues(actual, value) >= 0;
    case '<': return actual !== '' && compareValues(actual, value) < 0;
    case '<=': return actual !== '' && compareValues(actual, value) <= 0;
    // Text matching is case-insensitive on a real instance (database collation).
    case 'LIKE': return lower.includes(value.toLowerCase());
    case 'NOTLIKE': return !lower.includes(value.toLowerCase());
    case 'STARTSWITH': return lower.startsWith(value.toLowerCase());
    case 'ENDSWITH': return lower.endsWith(value.toLowerCase());
    case 'IN': return value.split(',').includes(actual);
    case 'NOT IN': return !value.split(',').includes(actual);
    case 'ISEMPTY': return actual === '';
    case 'ISNOTEMPTY': return actual !== '';
    case 'BETWEEN': {
      const [low, high] = value.split('@');
      if (low === undefined || high === undefined) return false;
      return actual !== '' && compareValues(actual, low) >= 0 && compareValues(actual, high) <= 0;
    }
  }
}

/** True when the row (seen through `read`, which returns a field path's raw value) satisfies the query. */
export function matchesQuery(query: EncodedQuery, read: (field: string) => string): boolean {
  if (query.groups.length === 0) return true;
  return query.groups.some((group) => group.every((term) => term.some((c) => evaluate(c, read(c.field)))));
}
