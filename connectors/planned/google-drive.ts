/**
 * Planned: Google Drive / file storage, for customer artifacts, exports and backups. Uses only
 * `drive.file` (files the app created or the user picked for it), never full-Drive access.
 */
import { z } from 'zod';
import { defineAction, defineConnector } from '../framework/define-connector';

const driveFile = 'https://www.googleapis.com/auth/drive.file';
const fileId = z.string().regex(/^[A-Za-z0-9_-]{10,}$/).describe('Drive file id');
const fileMeta = z.strictObject({
  id: fileId,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative().optional(),
  modifiedTime: z.string(),
  webViewLink: z.string(),
});

/** The planned Google Drive connector. */
export const googleDriveConnector = defineConnector({
  connectorId: 'google_drive',
  name: 'Google Drive',
  description: 'Reads files the tenant shared with Gatehouse and stores generated artifacts in a folder the tenant picked. It can only see files it created or was given.',
  category: 'storage_files',
  version: '0.1.0',
  status: 'planned',
  authType: 'oauth',
  permissionsRequested: ['connector_read', 'connector_write_draft', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [driveFile],
  actions: [
    defineAction({
      actionId: 'google_drive.files.get',
      name: 'Fetch file metadata',
      description: 'files.get (metadata only) of a file the app can see.',
      kind: 'read',
      input: z.strictObject({ fileId }),
      output: fileMeta,
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [driveFile],
      idempotency: 'not_applicable',
      sampleInput: { fileId: '0000000000sample' },
    }),
    defineAction({
      actionId: 'google_drive.files.list',
      name: 'List folder',
      description: 'files.list of one folder the tenant picked, excluding trashed files.',
      kind: 'read',
      input: z.strictObject({ folderId: fileId, pageSize: z.number().int().min(1).max(100).optional(), pageToken: z.string().optional() }),
      output: z.strictObject({ files: z.array(fileMeta), nextPageToken: z.string().optional() }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [driveFile],
      idempotency: 'not_applicable',
      sampleInput: { folderId: '0000000000sample', pageSize: 10 },
    }),
    defineAction({
      actionId: 'google_drive.files.upload_artifact',
      name: 'Upload artifact',
      description: 'Creates a new file in the tenant\'s artifact folder. Never overwrites, never changes sharing; the file is tagged with an idempotency key in appProperties.',
      kind: 'write',
      input: z.strictObject({
        folderId: fileId,
        name: z.string().min(1).max(255),
        mimeType: z.string().min(1),
        contentBase64: z.base64(),
        idempotencyKey: z.string().min(8).max(128),
      }),
      output: z.strictObject({ fileId, webViewLink: z.string() }),
      approvalGate: 'artifact_generation',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [driveFile],
      // Drive has no idempotency keys: look up appProperties.gatehouseKey before creating.
      idempotency: 'required',
      reversal: { reversible: true, compensatingActionId: 'google_drive.files.trash' },
    }),
    defineAction({
      actionId: 'google_drive.files.trash',
      name: 'Move artifact to trash',
      description: 'Moves a file Gatehouse created to the Drive trash (files.update trashed=true). Never deletes permanently.',
      kind: 'write',
      input: z.strictObject({ fileId }),
      output: z.strictObject({ fileId, trashed: z.literal(true) }),
      approvalGate: 'external_write',
      riskLevel: 'medium',
      auditRequired: true,
      scopes: [driveFile],
      idempotency: 'natural',
      reversal: { reversible: true, procedure: 'Restore the file from the Drive trash (files.update trashed=false) within 30 days; after that Drive deletes it.' },
    }),
  ],
  healthcheck: {
    actionId: 'google_drive.files.list',
    description: 'Refreshes the OAuth token and lists the artifact folder: proves the grant is alive and the folder still shared with the app.',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse revokes the refresh token at https://oauth2.googleapis.com/revoke and deletes it. Files already uploaded stay in the tenant\'s Drive (they are the tenant\'s); nothing is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['ids and names of files Gatehouse uploaded (audit)'],
    retentionDays: null,
    description: 'Gatehouse keeps no file contents. Audit records of uploads are kept for the life of the tenant.',
  },
  implementationFiles: ['connectors/planned/google-drive.ts'],
});
