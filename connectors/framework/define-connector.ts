/**
 * The two functions a connector file calls. They only give type inference (a sample input is
 * checked against its own input schema at compile time); `validateDefinition` and the manifest
 * validator check everything else when manifests are generated.
 */
import type { z } from 'zod';
import type { ActionDefinition, ConnectorDefinition } from './types';

/**
 * Declares one action. Using it (rather than a bare object) makes TypeScript check
 * `sampleInput` against the `input` schema.
 */
export function defineAction<I extends z.ZodType, O extends z.ZodType, C = unknown>(action: ActionDefinition<I, O, C>): ActionDefinition<I, O, C> {
  return action;
}

/**
 * `defineAction` for one connector's connection type: `const define = actionsFor<ServiceNowClient>()`
 * lets each action file of the connector type `ctx.connection` without repeating it.
 */
export function actionsFor<C>() {
  return <I extends z.ZodType, O extends z.ZodType>(action: ActionDefinition<I, O, C>): ActionDefinition<I, O, C> => action;
}

/** Declares a connector; freezes it so no code can alter a definition after it was read. */
export function defineConnector<const D extends ConnectorDefinition>(definition: D): Readonly<D> {
  return Object.freeze(definition);
}
