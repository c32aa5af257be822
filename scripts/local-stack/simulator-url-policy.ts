/**
 * The egress policy of the local stack, tests and demo: the simulators listen on 127.0.0.1 at
 * random ports, so any port of the loopback origins is allowed (metadata addresses never are).
 */
import { urlPolicyFromEnv, type UrlPolicy } from '../../tenancy/url-guard';

export const simulatorOrigins = 'http://127.0.0.1:*,http://localhost:*';

export const simulatorUrlPolicy: UrlPolicy = urlPolicyFromEnv({ GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: simulatorOrigins });
