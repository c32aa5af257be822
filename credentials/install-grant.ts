/**
 * The scope drift an OAuth authorisation recorded on its install (connector_installs.detail),
 * read back by the install review, and computed from a verified manifest.
 */
import { z } from 'zod';
import type { ConnectorManifest } from '../connectors/framework/manifest-schema';
import { scopeDrift, type ScopeDrift } from './scope-drift';

const scopeDriftSchema = z.object({
  granted: z.array(z.string()),
  declared: z.array(z.string()),
  broader: z.array(z.string()),
  missing: z.array(z.string()),
  disabledActions: z.array(z.object({ actionId: z.string(), missingScopes: z.array(z.string()) })),
});

/** The drift stored in an install's detail, or undefined when the install was not authorised through OAuth. */
export function scopeDriftOf(detail: Record<string, unknown> | undefined): ScopeDrift | undefined {
  const parsed = scopeDriftSchema.safeParse(detail?.['scopeDrift']);
  return parsed.success ? parsed.data : undefined;
}

/** What `granted` means against the manifest's declared scopes and its actions' scopes. */
export function driftAgainstManifest(manifest: Pick<ConnectorManifest, 'scopes' | 'actions'>, granted: readonly string[]): ScopeDrift {
  return scopeDrift(granted, manifest.scopes, manifest.actions.map((a) => ({ id: a.actionId, scopes: a.scopes })));
}
