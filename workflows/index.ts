/** Workflow entry point bundled by the worker: deterministic code only. */
export { triageIncident } from './triage-incident';
