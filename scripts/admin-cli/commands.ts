/**
 * The admin CLI's subcommands, each one admin API call (README, "Setting up a tenant"): its
 * words, its arguments, and the request it makes from them.
 */
import { readFile } from 'node:fs/promises';
import type { AdminRequest } from './admin-api';
import { readSecret } from './read-secret';

/** A command line the CLI cannot act on; the usage follows the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Options some commands take. */
export interface CommandOptions {
  /** `runs revert`: a particular run of the workflow id. */
  runId?: string;
}

/** One subcommand. */
export interface Command {
  /** e.g. `['tenants', 'show']`. */
  words: readonly [string, string];
  /** Argument names, in order; the last takes the rest of the line when `rest` is set. */
  args: readonly string[];
  rest?: boolean;
  summary: string;
  /** The call to make; `arg(name)` is the argument of that name. */
  request(arg: (name: string) => string, options: CommandOptions): AdminRequest | Promise<AdminRequest>;
  /** What to print when the API answers with no body (204). */
  noContent?(arg: (name: string) => string): unknown;
}

const segment = encodeURIComponent;

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Every subcommand, in the order the usage lists them. */
export const commands: readonly Command[] = [
  {
    words: ['tenants', 'list'], args: [], summary: 'every tenant: settings, and which secrets are set (never their values)',
    request: () => ({ method: 'GET', path: '/admin/tenants' }),
  },
  {
    words: ['tenants', 'show'], args: ['slug'], summary: 'one tenant',
    request: (arg) => ({ method: 'GET', path: `/admin/tenants/${segment(arg('slug'))}` }),
  },
  {
    words: ['tenants', 'create'], args: ['file.json'], summary: 'create a tenant from a JSON file ({slug, name, settings, secrets}); shows its route URLs and webhook secret once',
    request: async (arg) => ({ method: 'POST', path: '/admin/tenants', body: await readJsonFile(arg('file.json')) }),
  },
  {
    words: ['secrets', 'set'], args: ['slug', 'name'], summary: 'set a tenant secret; the value is read from stdin (typed hidden at a terminal)',
    request: async (arg) => {
      const value = await readSecret(`value of ${arg('name')} (not shown): `);
      if (!value) throw new UsageError('no secret value on stdin');
      return { method: 'PUT', path: `/admin/tenants/${segment(arg('slug'))}/secrets/${segment(arg('name'))}`, body: { value } };
    },
    noContent: (arg) => ({ tenant: arg('slug'), secret: arg('name'), set: true }),
  },
  {
    words: ['route-tokens', 'create'], args: ['slug', 'connector'], summary: 'a new route URL for servicenow or slack (the old ones keep working)',
    request: (arg) => ({ method: 'POST', path: `/admin/tenants/${segment(arg('slug'))}/route-tokens`, body: { connector: arg('connector') } }),
  },
  {
    words: ['runs', 'show'], args: ['workflowId'], summary: "a run's live state",
    request: (arg) => ({ method: 'GET', path: `/admin/runs/${segment(arg('workflowId'))}` }),
  },
  {
    words: ['runs', 'decide'], args: ['workflowId', 'approver', 'approve|deny'], summary: 'decide the open approval request as that approver (the run checks the approver)',
    request: (arg) => ({ method: 'POST', path: `/admin/runs/${segment(arg('workflowId'))}/decision`, body: { approver: arg('approver'), decision: arg('approve|deny') } }),
  },
  {
    words: ['runs', 'revert'], args: ['workflowId', 'requestedBy', 'reason'], rest: true, summary: 'ask for the revert of a closed triage run (approved in Slack); --run-id picks an earlier run',
    request: (arg, options) => ({
      method: 'POST', path: `/admin/runs/${segment(arg('workflowId'))}/revert`,
      body: { requestedBy: arg('requestedBy'), reason: arg('reason'), ...(options.runId ? { runId: options.runId } : {}) },
    }),
  },
  {
    words: ['runs', 'audit'], args: ['workflowId'], summary: "a run's audit trail",
    request: (arg) => ({ method: 'GET', path: `/admin/runs/${segment(arg('workflowId'))}/audit` }),
  },
];
