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
export function defineAction<I extends z.ZodType, O extends z.ZodType>(action: ActionDefinition<I, O>): ActionDefinition<I, O> {
  return action;
}

/** Declares a connector; freezes it so no code can alter a definition after it was read. */
export function defineConnector<const D extends ConnectorDefinition>(definition: D): Readonly<D> {
  return Object.freeze(definition);
}
