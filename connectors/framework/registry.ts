/**
 * The runtime's view of connectors: only manifests that are signed by a trusted key, valid, and
 * whose code on disk still matches the signed digest are usable. Everything else is refused with
 * a stable reason, reported through `onRefusal` so the caller can audit it.
 */
import { join } from 'node:path';
import { ConnectorRefusedError, type ConnectorRefusal } from './errors';
import { listManifestIds, trustStoreFileName } from './manifest-files';
import { connectorIdPattern, type ConnectorManifest } from './manifest-schema';
import { defaultManifestsDir, defaultRepoRoot } from './repo-paths';
import { loadTrustStore, trustDevelopmentKeysFromEnv, type KeyPurpose, type TrustStore } from './trust-store';
import { verifyConnectorArtifact } from './verify-artifact';
import type { ConnectorStatus } from './vocabulary';

/** Where to load from and whom to trust. */
export interface RegistryOptions {
  /** Directory of `<connectorId>.json` manifests and `<connectorId>.sig.json` signatures. */
  manifestsDir: string;
  /** Keys signatures are checked against. */
  trustStore: TrustStore;
  /** Whether `development` keys count; pass `trustDevelopmentKeysFromEnv()` in the service, an explicit value in tests. */
  trustDevelopmentKeys: boolean;
  /** Root the manifests' implementation file paths are relative to. */
  repoRoot: string;
  /**
   * Called for every refusal: once per refused artifact while loading, and again on each `get()`
   * that throws (each is an attempt to use a connector that is unknown or refused). An exception
   * thrown here propagates: a refusal that cannot be audited must not pass silently.
   */
  onRefusal?: (refusal: ConnectorRefusal) => void;
}

/** A verified connector. */
export interface RegisteredConnector {
  connectorId: string;
  status: ConnectorStatus;
  manifest: ConnectorManifest;
  /** The trust store key that signed the manifest. */
  signedBy: { keyId: string; purpose: KeyPurpose };
  /** Available and verified; planned connectors are listed but never installable. */
  installable: boolean;
}

/** Verified connectors by id, and the refusals met while loading them. */
export interface ConnectorRegistry {
  /** The verified connector; throws {@link ConnectorRefusedError} (`code` = refusal reason) when unknown or refused. */
  get(connectorId: string): RegisteredConnector;
  /** Every verified connector (available and planned), sorted by id. */
  list(): RegisteredConnector[];
  /** True when the connector is verified and `available`; false for planned, refused or unknown ids. */
  isInstallable(connectorId: string): boolean;
  /** The connectors refused while loading, with their reasons. */
  refusals(): ConnectorRefusal[];
}

/**
 * The options the service normally uses: this repository's `manifests/` and trust store, and
 * development keys trusted only when `GATEHOUSE_TRUST_DEVELOPMENT_KEYS=true`.
 */
export async function defaultRegistryOptions(env: NodeJS.ProcessEnv = process.env): Promise<RegistryOptions> {
  return {
    manifestsDir: defaultManifestsDir,
    trustStore: await loadTrustStore(join(defaultManifestsDir, trustStoreFileName)),
    trustDevelopmentKeys: trustDevelopmentKeysFromEnv(env),
    repoRoot: defaultRepoRoot,
  };
}

/** Loads and verifies every manifest in `manifestsDir`. Throws only when the directory cannot be read. */
export async function loadConnectorRegistry(options: RegistryOptions): Promise<ConnectorRegistry> {
  const verified = new Map<string, RegisteredConnector>();
  const refused = new Map<string, ConnectorRefusal>();
  const report = (refusal: ConnectorRefusal): void => options.onRefusal?.(refusal);

  for (const connectorId of await listManifestIds(options.manifestsDir)) {
    if (!connectorIdPattern.test(connectorId)) {
      const refusal: ConnectorRefusal = { connectorId, reason: 'invalid_manifest', message: `"${connectorId}.json" is not a valid connector manifest file name` };
      refused.set(connectorId, refusal);
      report(refusal);
      continue;
    }
    const result = await verifyConnectorArtifact({ ...options, connectorId });
    if (!result.ok) {
      refused.set(connectorId, result.refusal);
      report(result.refusal);
      continue;
    }
    verified.set(connectorId, {
      connectorId,
      status: result.manifest.status,
      manifest: result.manifest,
      signedBy: result.signedBy,
      installable: result.manifest.status === 'available',
    });
  }

  return {
    get(connectorId) {
      const entry = verified.get(connectorId);
      if (entry) return entry;
      const refusal = refused.get(connectorId) ?? { connectorId, reason: 'unknown', message: `unknown connector "${connectorId}": no manifest was loaded for it` };
      report(refusal);
      throw new ConnectorRefusedError(refusal);
    },
    list: () => [...verified.values()].sort((a, b) => (a.connectorId < b.connectorId ? -1 : 1)),
    isInstallable: (connectorId) => verified.get(connectorId)?.installable ?? false,
    refusals: () => [...refused.values()],
  };
}
