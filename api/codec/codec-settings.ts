/**
 * Who may call the codec endpoint (the remote codec the Temporal Web UI uses to show decrypted
 * payloads), read from the environment once at start-up.
 */

/** The dev server's Web UI on its default port, under both names a browser may use. */
export const defaultCodecCorsOrigins = (uiPort = 8233): string[] => [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`];

export interface CodecEndpointSettings {
  /** A bearer token accepted besides the admin token (GATEHOUSE_CODEC_TOKEN), e.g. one only the UI's proxy holds. */
  token?: string;
  /** Browser origins of the Temporal UIs allowed to call (GATEHOUSE_CODEC_CORS_ORIGINS, comma-separated). */
  corsOrigins: readonly string[];
  /**
   * `npm start` with its own dev server only (GATEHOUSE_CODEC_LOCAL_UI=true): the dev server's UI
   * has no login and cannot send a token, so a request without one is answered when it comes from
   * this machine (loopback peer) with the Origin of an allowed UI. Anyone who can reach that UI
   * already sees every run; never set it for a shared or remote UI.
   */
  localUiWithoutToken: boolean;
}

export function codecSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CodecEndpointSettings {
  const origins = (env.GATEHOUSE_CODEC_CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean);
  return {
    ...(env.GATEHOUSE_CODEC_TOKEN ? { token: env.GATEHOUSE_CODEC_TOKEN } : {}),
    corsOrigins: origins.length > 0 ? origins : defaultCodecCorsOrigins(),
    localUiWithoutToken: env.GATEHOUSE_CODEC_LOCAL_UI === 'true',
  };
}
