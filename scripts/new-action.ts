/**
 * Scaffolds a connector action (see docs/connector-manifests.md, "Adding an action"):
 *
 *   npm run new:action -- <connectorId> <resource>.<verb> [--read|--write] [--root <dir>]
 *
 * writes `connectors/<id>/actions/<resource>-<verb>.ts` and its test
 * `test/connectors/actions/<id>-<resource>-<verb>.test.ts`, lists the action in
 * `connectors/<id>/definition.ts`, and prints what is left to do. A read unless `--write`.
 * `--root` works on another checkout (the scaffold's own test uses a copy).
 * Exit codes: 0 done, 1 unexpected failure, 2 refused (usage, bad id, unknown connector, existing action or file).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScaffoldRefusal } from './new-action/refusal';
import { scaffoldAction, type ScaffoldResult } from './new-action/scaffold';

const usage = 'usage: npm run new:action -- <connectorId> <resource>.<verb> [--read|--write] [--root <dir>]';

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv, allowPositionals: true,
      options: { read: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, root: { type: 'string' } },
    });
  } catch (err) {
    // Unknown or malformed options are refusals too: nothing was written.
    throw new ScaffoldRefusal(`${(err as Error).message}\n${usage}`);
  }
}

function request(argv: string[]) {
  const { positionals, values } = parse(argv);
  if (positionals.length !== 2) throw new ScaffoldRefusal(usage);
  if (values.read && values.write) throw new ScaffoldRefusal(`--read or --write, not both\n${usage}`);
  return {
    connectorId: positionals[0]!, name: positionals[1]!, kind: values.write ? 'write' as const : 'read' as const,
    root: resolve(values.root ?? resolve(__dirname, '..')),
  };
}

function nextSteps(r: ScaffoldResult, kind: 'read' | 'write'): string[] {
  const fill = kind === 'read'
    ? 'input/output schemas, facts, run() and smokeInput()'
    : 'input/output schemas, facts, preview() and apply() (or a batch), revertInput() if reversible, and the reversal procedure';
  return [
    `created ${r.actionPath}`,
    `created ${r.testPath}`,
    `listed ${r.exportName} in ${r.definitionPath}`,
    ...r.warnings.map((w) => `warning: ${w}`),
    '',
    'next:',
    `  1. fill in ${r.actionPath}: ${fill}; update the facts its test pins`,
    `  2. bump version in ${r.definitionPath}: ${r.version.current} → ${r.version.next} (minor for a new action; major for a breaking schema change)`,
    '  3. npx tsx scripts/manifests.ts generate && npx tsx scripts/manifests.ts sign   # rewrites manifests/<id>.json and .sig.json',
    '  4. npm run manifests:check',
    `  5. node --import tsx --test ${r.testPath}, then npm test`,
  ];
}

function main(): number {
  try {
    const req = request(process.argv.slice(2));
    const result = scaffoldAction(req);
    console.log(nextSteps(result, req.kind).join('\n'));
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldRefusal) {
      console.error(`new:action: ${err.message}`);
      return 2;
    }
    console.error(`new:action failed: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = main();
