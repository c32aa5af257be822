/**
 * The one logger. Redaction is a second line of defence: code never passes secrets to it, and
 * these paths catch the usual places a secret could ride along (headers, credentials, bodies).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const redactedPaths = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-slack-signature"]',
  'req.headers["webhook-signature"]', 'headers.authorization', 'authorization',
  '*.password', '*.clientSecret', '*.client_secret', '*.token', '*.botToken', '*.signingSecret',
  '*.secret', '*.secrets', '*.accessToken', '*.refreshToken', '*.webhookSecret', 'secrets', 'password', 'token',
  // OAuth: tokens as providers name them, PKCE verifiers, the browser binding and private keys.
  '*.access_token', '*.refresh_token', '*.code_verifier', '*.codeVerifier', '*.binding', '*.privateKey', '*.private_key',
  'res.headers["set-cookie"]',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: redactedPaths, censor: '[redacted]' }, base: { app: 'gatehouse' } },
    opts.destination,
  );
}
