/** The shapes the console reads from the server (see api/console/ and marketplace/listing.ts). */
export interface Listing {
  listingId: string;
  connectorId: string;
  title: string;
  summary: string;
  category: string;
  version: string;
  status: 'available' | 'planned';
  riskLevel: string;
  supportedActions: string[];
  requiredPermissions: string[];
  safetyNotes: string[];
  installable: boolean;
}

export interface Install {
  connectorId: string;
  status: string;
  enabledActions: string[];
  requestedBy?: string | null;
  reviewedBy?: string | null;
  detail?: Record<string, unknown>;
  updatedAt?: string;
}

export type Decision = 'allow' | 'needs_approval' | 'blocked';

export interface SimulatedAction {
  actionId: string;
  name: string;
  riskLevel: string;
  scopes: string[];
  decision: Decision;
  group?: string;
  quorum?: number;
  rule?: string;
  reason?: string;
  enabled: boolean;
}

/** A scope is named by a string, or described with its risk and what it allows. */
export type Scope = string | { scope?: string; name?: string; id?: string; riskLevel?: string; description?: string; allows?: string };

export interface Simulation {
  actions: SimulatedAction[];
  scopes: Scope[];
  permissionsRequested: Array<string | { name?: string; permission?: string; description?: string; riskLevel?: string }>;
}
