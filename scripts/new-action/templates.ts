/**
 * The text of a scaffolded action file and its test. Both compile as written: the action
 * validates and generates a manifest entry, its implementation fails with "not implemented"
 * until written, and the test pins the declared facts so a later change to them is deliberate.
 */
import { scopeConstants, scopeExpression, type ActionKind, type RecordId } from './choices';
import type { ConnectorFacts, ScopeRef } from './connector-facts';
import type { ActionNames } from './names';

export interface TemplateInput {
  facts: ConnectorFacts;
  names: ActionNames;
  kind: ActionKind;
  scopes: ScopeRef[];
  recordId: RecordId;
  /** Repository-relative path of the action file. */
  actionPath: string;
}

function importLines(imports: Map<string, Set<string>>): string[] {
  return [...imports.entries()]
    .sort(([a], [b]) => (a === 'zod' ? -1 : b === 'zod' ? 1 : a.localeCompare(b)))
    .map(([module, names]) => `import { ${[...names].sort().join(', ')} } from '${module}';`);
}

function addImport(imports: Map<string, Set<string>>, module: string, name: string): void {
  imports.set(module, (imports.get(module) ?? new Set()).add(name));
}

/** A `//` comment at action-property indentation, wrapped so generated lines stay readable. */
function commentLines(text: string, width = 100): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + word.length < width) lines[last] += ` ${word}`;
    else lines.push(`  // ${word}`);
  }
  return lines;
}

function facts(kind: ActionKind): Record<string, string> {
  return kind === 'read'
    ? { approvalGate: "'read_only'", riskLevel: "'low'", auditRequired: 'false', idempotency: "'not_applicable'" }
    : { approvalGate: "'external_write'", riskLevel: "'medium'", auditRequired: 'true', idempotency: "'required'" };
}

export function actionFileText(t: TemplateInput): string {
  const { names, kind, recordId } = t;
  const imports = new Map<string, Set<string>>([['zod', new Set(['z'])]]);
  addImport(imports, t.facts.define.module, t.facts.define.name);
  for (const [name, module] of scopeConstants(t.scopes)) addImport(imports, `.${module}`, name);
  if (recordId.imported) addImport(imports, recordId.imported.module, recordId.imported.name);
  const f = facts(kind);
  const record = `${recordId.field}: ${recordId.schema}`;
  const body = kind === 'read'
    ? [
        `  sampleInput: { ${recordId.field}: '${recordId.sample}' },`,
        '  // Reads only; what it returns is validated against `output`.',
        '  async run() {',
        "    throw new Error(notImplemented('run'));",
        '  },',
        "  // A real input for one installation's smoke test, from its config and the tenant's settings; undefined skips the read.",
        '  smokeInput: () => undefined,',
      ]
    : [
        '  reversal: {',
        '    // A reversible write says true and adds revertInput(subjectId, priorValues, labels), which reverts use.',
        '    reversible: false,',
        "    procedure: 'TODO: how an operator undoes or corrects this write.',",
        '  },',
        ...(recordId.writeHint ? commentLines(recordId.writeHint) : []),
        '  // Reads what the write would change (never writes): the approver sees exactly this diff.',
        '  async preview() {',
        "    throw new Error(notImplemented('preview'));",
        '  },',
        "  // Writes only what the approver saw, idempotently under ctx.idempotencyKey; every prior value goes in the receipt.",
        '  async apply() {',
        "    throw new Error(notImplemented('apply'));",
        '  },',
      ];
  return [
    '/**',
    ` * ${kind === 'read' ? 'Read' : 'Write'} action \`${names.actionId}\`: TODO say what it ${kind === 'read' ? 'reads' : 'changes'} at the provider, and what it never does.`,
    ' * Scaffolded by `npm run new:action`; docs/connector-manifests.md ("Adding an action") lists what is left.',
    ' */',
    ...importLines(imports),
    '',
    '/** Until the implementation is written, every call fails saying so instead of doing something half-done. */',
    `const notImplemented = (part: string): string => \`${names.actionId} is not implemented yet: write \${part}() in ${t.actionPath}\`;`,
    '',
    `export const ${names.exportName} = ${t.facts.define.name}({`,
    `  actionId: '${names.actionId}',`,
    `  name: '${names.displayName}',`,
    `  description: 'TODO: what it ${kind === 'read' ? 'reads' : 'changes'} at the provider, and what it never does.',`,
    `  kind: '${kind}',`,
    '  // The manifest\'s JSON Schemas are generated from these: describe() each field you add.',
    `  input: z.strictObject({ ${record} }),`,
    `  output: z.strictObject({ ${record} }),`,
    `  approvalGate: ${f['approvalGate']},`,
    `  riskLevel: ${f['riskLevel']},`,
    `  auditRequired: ${f['auditRequired']},`,
    `  scopes: [${t.scopes.map(scopeExpression).join(', ')}],`,
    ...(kind === 'write' ? ["  // 'natural' once repeating the write is shown to change nothing more (setting a field); posting stays 'required'."] : []),
    `  idempotency: ${f['idempotency']},`,
    ...body,
    '});',
    '',
  ].join('\n');
}

export function testFileText(t: TemplateInput): string {
  const { names, kind } = t;
  const up = '../../..';
  const imports = new Map<string, Set<string>>([
    ['node:assert/strict', new Set(['assert'])], ['node:test', new Set(['describe', 'it'])],
  ]);
  addImport(imports, `${up}/${t.actionPath.replace(/\.ts$/, '')}`, names.exportName);
  addImport(imports, `${up}/${t.facts.definitionPath.replace(/\.ts$/, '')}`, t.facts.connectorExport);
  for (const [name, module] of scopeConstants(t.scopes)) addImport(imports, `${up}/${t.facts.dir}/${module.replace(/^\.\//, '')}`, name);
  const f = facts(kind);
  const lines = [...imports.entries()].map(([module, set]) => (module === 'node:assert/strict'
    ? `import assert from '${module}';`
    : `import { ${[...set].sort().join(', ')} } from '${module}';`));
  const action = names.exportName;
  return [
    '/**',
    ` * \`${names.actionId}\`: the facts its manifest entry is generated from, and an input schema that`,
    ' * refuses what it must. Changing a fact (gate, risk, scopes) is a decision: update it here too.',
    ' * Extend this file as the implementation grows (previews and results against the simulators).',
    ' */',
    ...lines,
    '',
    `describe('${names.actionId}', () => {`,
    "  it('declares the facts its manifest entry is generated from', () => {",
    `    const a = ${action};`,
    '    assert.deepEqual({',
    '      actionId: a.actionId, kind: a.kind, approvalGate: a.approvalGate, riskLevel: a.riskLevel, auditRequired: a.auditRequired,',
    '      idempotency: a.idempotency, scopes: [...a.scopes], effects: [...(a.effects ?? [])],',
    ...(kind === 'write' ? ["      reversible: a.kind === 'write' ? a.reversal.reversible : undefined,"] : []),
    '    }, {',
    `      actionId: '${names.actionId}', kind: '${kind}', approvalGate: ${f['approvalGate']}, riskLevel: ${f['riskLevel']}, auditRequired: ${f['auditRequired']},`,
    `      idempotency: ${f['idempotency']}, scopes: [${t.scopes.map(scopeExpression).join(', ')}], effects: [],`,
    ...(kind === 'write' ? ['      reversible: false,'] : []),
    '    });',
    '  });',
    '',
    "  it('is listed in its connector definition (so the manifest declares it)', () => {",
    `    assert.ok(${t.facts.connectorExport}.actions.some((listed) => listed === ${action}));`,
    '  });',
    '',
    "  it('refuses an empty input', () => {",
    `    assert.equal(${action}.input.safeParse({}).success, false);`,
    '  });',
    ...(kind === 'read'
      ? [
          '',
          "  it('documents its input shape with a sample its schema accepts', () => {",
          `    assert.ok(${action}.kind === 'read');`,
          `    assert.equal(${action}.input.safeParse(${action}.sampleInput).success, true);`,
          '  });',
        ]
      : []),
    '});',
    '',
  ].join('\n');
}
