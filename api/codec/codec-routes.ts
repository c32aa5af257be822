/**
 * The remote codec endpoint (Temporal's codec server protocol) the Temporal Web UI and
 * `temporal` CLI call to show payloads decrypted: POST /codec/encode and /codec/decode, body
 * and answer `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, namespace in the
 * X-Namespace header. Payload content is never logged.
 */
import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { encryptingCodecsOf } from '../../temporal/data-converter';
import { PayloadCodecError } from '../../temporal/payload-codec';
import { HttpError } from '../http-error';
import { codecAccess } from './codec-access';
import { defaultCodecCorsOrigins, type CodecEndpointSettings } from './codec-settings';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const wireBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(10_000),
});
type WirePayload = z.infer<typeof wireBody>['payloads'][number];

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecRouteDeps {
  temporal: Client;
  adminToken: string;
  logger: Logger;
  /** Default: admin token only, the dev UI's default origins, no local-UI exception. */
  codec?: CodecEndpointSettings;
}

export function codecRouter(deps: CodecRouteDeps): Router {
  const settings = deps.codec ?? { corsOrigins: defaultCodecCorsOrigins(), localUiWithoutToken: false };
  // The same codecs the client uses, in the data converter's order: encode applies them in
  // order, decode in reverse.
  const codecs = encryptingCodecsOf(deps.temporal);
  const namespace = deps.temporal.options.namespace;
  const apply = async (payloads: Payload[], step: (codec: PayloadCodec, p: Payload[]) => Promise<Payload[]>, order: PayloadCodec[]) => {
    let current = payloads;
    for (const codec of order) current = await step(codec, current);
    return current;
  };
  const router = Router();
  const paths = ['/codec/encode', '/codec/decode'];
  router.use(paths, codecAccess(settings, deps.adminToken));
  const handle = (direction: 'encode' | 'decode'): express.RequestHandler => async (req, res) => {
    // One key ring serves one namespace: never decode for another namespace's UI.
    const asked = req.get('x-namespace');
    if (asked !== undefined && asked !== namespace) throw new HttpError(403, 'wrong_namespace', `this codec serves namespace ${namespace} only`);
    const parsed = wireBody.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', 'body must be { payloads: [{ metadata: { key: base64 }, data: base64 }] }');
    try {
      const payloads = parsed.data.payloads.map(fromWire);
      const out = direction === 'encode'
        ? await apply(payloads, (c, p) => c.encode(p), codecs)
        : await apply(payloads, (c, p) => c.decode(p), [...codecs].reverse());
      res.json({ payloads: out.map(toWire) });
    } catch (err) {
      if (!(err instanceof PayloadCodecError)) throw err;
      deps.logger.warn({ code: err.code, direction, count: parsed.data.payloads.length }, 'codec request refused');
      throw new HttpError(400, err.code, err.message);
    }
  };
  router.post('/codec/encode', express.json({ limit: '8mb' }), handle('encode'));
  router.post('/codec/decode', express.json({ limit: '8mb' }), handle('decode'));
  return router;
}
