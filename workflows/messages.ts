/**
 * The triage run's signals and queries. Every sender (Slack handler, admin API, tests) imports
 * these objects; operators use the same names from the Temporal UI or CLI:
 *   temporal workflow signal --workflow-id <id> --name decide \
 *     --input '{"approver":"U123","decision":"approve","requestId":"<id>","channel":"temporal"}'
 *   temporal workflow query --workflow-id <id> --type state
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DecisionInput, TriageState, TriageTrigger } from '../triage/types';

/** An approver's decision. The workflow re-checks who sent it; unauthorised decisions change nothing. */
export const decideSignal = defineSignal<[DecisionInput]>('decide');

/** A later webhook or reconciliation pass for the same incident (coalesced into the open run). */
export const incidentChangedSignal = defineSignal<[TriageTrigger]>('incidentChanged');

/** The run's live state. */
export const stateQuery = defineQuery<TriageState>('state');

export const triageWorkflowType = 'triageIncident';
export const revertWorkflowType = 'revertTriageRun';
