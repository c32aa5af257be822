/**
 * Marketplace listings in the seed's `marketplaceListingShape`, derived from verified manifests
 * so a listing can never promise more than the signed manifest allows.
 */
import type { ConnectorManifest } from '../connectors/framework/manifest-schema';
import type { RegisteredConnector } from '../connectors/framework/registry';

export interface MarketplaceListing {
  listingId: string;
  connectorId: string;
  title: string;
  summary: string;
  category: string;
  version: string;
  status: 'available' | 'planned';
  riskLevel: string;
  supportedActions: Array<'read' | 'draft' | 'write_after_approval'>;
  requiredPermissions: string[];
  setupSteps: string[];
  safetyNotes: string[];
  pricingModel: 'free' | 'included' | 'usage_based' | 'paid_addon';
  reviewStatus: 'draft' | 'reviewed' | 'approved' | 'blocked';
  installable: boolean;
  signedBy: string;
}

function supported(manifest: ConnectorManifest): MarketplaceListing['supportedActions'] {
  const kinds = new Set<MarketplaceListing['supportedActions'][number]>();
  for (const a of manifest.actions) {
    if (a.approvalGate === 'read_only') kinds.add('read');
    else if (a.approvalGate === 'artifact_generation' || a.approvalGate === 'workspace_write') kinds.add('draft');
    else if (a.approvalGate === 'external_write') kinds.add('write_after_approval');
  }
  return [...kinds];
}

function safetyNotes(manifest: ConnectorManifest): string[] {
  const notes = [`Risk level: ${manifest.riskLevel}.`];
  const writes = manifest.actions.filter((a) => a.approvalGate === 'external_write');
  if (writes.length) notes.push(`Writes only after explicit approval: ${writes.map((a) => a.name).join(', ')}.`);
  const blocked = manifest.actions.filter((a) => a.approvalGate === 'blocked_by_default');
  if (blocked.length) notes.push(`Blocked by default (needs an owner approval with safety review): ${blocked.map((a) => a.name).join(', ')}.`);
  notes.push(`Disconnect: ${manifest.disconnectPolicy.description}`);
  return notes;
}

export function listingOf(connector: RegisteredConnector): MarketplaceListing {
  const m = connector.manifest;
  const available = m.status === 'available';
  return {
    listingId: `listing.${m.connectorId}`,
    connectorId: m.connectorId,
    title: m.name,
    summary: m.description,
    category: m.category,
    version: m.version,
    status: m.status,
    riskLevel: m.riskLevel,
    supportedActions: supported(m),
    requiredPermissions: [...m.permissionsRequested],
    setupSteps: ['connect account (store credentials)', 'review requested permissions, risk and policy simulation', 'approve the install', 'run healthcheck'],
    safetyNotes: safetyNotes(m),
    pricingModel: 'included',
    reviewStatus: available ? 'approved' : 'draft',
    installable: connector.installable,
    signedBy: connector.signedBy.keyId,
  };
}
