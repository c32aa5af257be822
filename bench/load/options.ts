/** Command-line options of `npm run bench:load`. */
import { parseArgs } from 'node:util';

export type LimitsMode = 'default' | 'lifted';

/** How incidents arrive: all at once, or at a steady offered rate. */
export type Load =
  | { kind: 'burst'; incidents: number }
  | { kind: 'rate'; perSecond: number; seconds: number; incidents: number };

export interface LoadOptions {
  load: Load;
  limits: LimitsMode;
  echoes: boolean;
  skipBaseline: boolean;
  json: boolean;
  /** Seconds to wait for each phase's runs to complete before reporting what did. */
  timeoutSeconds: number;
  /** Client connections at most, for webhooks and for clicks (each). */
  concurrency: number;
}

export const usage = `npm run bench:load -- [options]

Drives the real stack (npm start's process tree, Temporal dev server, PostgreSQL) with signed
ServiceNow webhooks and signed Slack approvals against the simulators, then a bare Temporal
workflow of the same shape as a baseline, and prints throughput, latencies and per-run costs.

  --incidents N        a burst: N incidents, all webhooks at once (default 50)
  --rate R             a steady offered rate of R incidents per second …
  --seconds S          … for S seconds (with --rate; default 10)
  --limits MODE        lifted (default): the tenant's outbound limits raised far above the load,
                       since the simulators never throttle; default: the product's defaults
  --echoes             the ServiceNow simulator posts the webhook its business rule would send
                       after every write, Gatehouse's own included (default on)
  --no-echoes          no echoes
  --skip-baseline      only Gatehouse
  --timeout SECONDS    stop waiting for runs to complete after this long per phase (default 300)
  --concurrency N      client connections for webhooks and for clicks (default 100)
  --json               machine-readable output (npm run -s bench:load -- --json: no npm banner)
  --help               this text

DATABASE_URL is passed to the stack when set (real PostgreSQL); otherwise it uses its embedded one.`;

function positive(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'} (got ${raw})`);
  }
  return value;
}

/** Parses argv; undefined when --help was asked for. Throws with a readable message on bad input. */
export function parseOptions(argv: string[]): LoadOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      incidents: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      limits: { type: 'string' },
      echoes: { type: 'boolean' },
      'no-echoes': { type: 'boolean' },
      'skip-baseline': { type: 'boolean' },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  if (values.rate !== undefined && values.incidents !== undefined) throw new Error('give either --incidents (a burst) or --rate/--seconds, not both');
  if (values.rate === undefined && values.seconds !== undefined) throw new Error('--seconds needs --rate');
  if (values.echoes && values['no-echoes']) throw new Error('--echoes and --no-echoes contradict each other');
  const limits = values.limits ?? 'lifted';
  if (limits !== 'default' && limits !== 'lifted') throw new Error(`--limits must be default or lifted (got ${limits})`);

  let load: Load;
  if (values.rate !== undefined) {
    const perSecond = positive('rate', values.rate, 1, false);
    const seconds = positive('seconds', values.seconds, 10, false);
    const incidents = Math.max(1, Math.round(perSecond * seconds));
    load = { kind: 'rate', perSecond, seconds, incidents };
  } else {
    load = { kind: 'burst', incidents: positive('incidents', values.incidents, 50, true) };
  }
  return {
    load,
    limits,
    echoes: !values['no-echoes'],
    skipBaseline: values['skip-baseline'] ?? false,
    json: values.json ?? false,
    timeoutSeconds: positive('timeout', values.timeout, 300, false),
    concurrency: positive('concurrency', values.concurrency, 100, true),
  };
}
