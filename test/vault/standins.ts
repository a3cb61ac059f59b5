// Small HTTP servers on 127.0.0.1 that speak the wire protocols of
// HashiCorp Vault's KV v2 API and AWS KMS (JSON 1.1 with SigV4), so that
// the key sources are tested over real HTTP without the real services.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIn {
  url: string;
  /** What each request asked for, in order. */
  calls: string[];
  close(): Promise<void>;
}

async function listen(
  handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  type: string,
) {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

/**
 * HashiCorp Vault KV v2: `GET /v1/<mount>/data/<path>` with
 * `X-Vault-Token`; 403 `{"errors":["permission denied"]}` for a wrong
 * token, 404 `{"errors":[]}` for a missing secret.
 */
export async function startVaultKv(
  token: string,
  secrets: Record<string, Record<string, string>>,
): Promise<StandIn> {
  const calls: string[] = [];
  const json = 'application/json';
  const server = await listen((req, _body, res) => {
    calls.push(`${req.method} ${req.url}`);
    const match = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(req.url ?? '');
    if (req.headers['x-vault-token'] !== token) {
      return reply(res, 403, { errors: ['permission denied'] }, json);
    }
    const key = match && `${match[1]}/${decodeURIComponent(match[2]!)}`;
    const data = key ? secrets[key] : undefined;
    if (req.method !== 'GET' || !data) {
      return reply(res, 404, { errors: [] }, json);
    }
    reply(
      res,
      200,
      {
        request_id: randomUUID(),
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: {
          data,
          metadata: {
            created_time: '2026-01-05T10:00:00.000000Z',
            custom_metadata: null,
            deletion_time: '',
            destroyed: false,
            version: 1,
          },
        },
        wrap_info: null,
        warnings: null,
        auth: null,
      },
      json,
    );
  });
  return { ...server, calls };
}

export interface KmsOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  keyId: string;
}

const sha256 = (data: string | Buffer) =>
  createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data).digest();

/** Checks an AWS Signature Version 4 `Authorization` header. */
function signatureProblem(
  req: IncomingMessage,
  body: Buffer,
  o: KmsOptions,
): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/kms\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return 'missing or malformed SigV4 Authorization header';
  const [, akid, date, region, signed, signature] = m;
  if (akid !== o.accessKeyId) return 'unknown access key';
  if (region !== o.region) return `wrong region ${region}`;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signed!.split(';');
  const headers = names
    .map((n) => {
      const value = String(req.headers[n] ?? '')
        .trim()
        .replace(/\s+/g, ' ');
      return `${n}:${value}\n`;
    })
    .join('');
  const canonical = [req.method, '/', '', headers, signed, sha256(body)].join(
    '\n',
  );
  const scope = `${date}/${region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join(
    '\n',
  );
  let key = hmac(`AWS4${o.secretAccessKey}`, date!);
  for (const part of [region!, 'kms', 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, toSign);
  const given = Buffer.from(signature!, 'hex');
  return timingSafeEqual(expected, given) ? undefined : 'signature mismatch';
}

/**
 * AWS KMS over the JSON 1.1 protocol: `POST /` with `X-Amz-Target:
 * TrentService.<Action>` and a SigV4 signature it verifies. Implements
 * GenerateDataKey, Encrypt and Decrypt with its own master key.
 */
export async function startKms(o: KmsOptions): Promise<StandIn> {
  const calls: string[] = [];
  const master = randomBytes(32);
  const arn = `arn:aws:kms:${o.region}:111122223333:key/${o.keyId}`;
  const type = 'application/x-amz-json-1.1';
  const fail = (res: ServerResponse, name: string, message: string) => {
    res.setHeader('x-amzn-errortype', name);
    reply(res, 400, { __type: name, message }, type);
  };
  const wrap = (plain: Buffer) => {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', master, nonce);
    c.setAAD(Buffer.from(arn));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([nonce, c.getAuthTag(), body]).toString('base64');
  };
  const unwrap = (blob: Buffer) => {
    const d = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12));
    d.setAAD(Buffer.from(arn));
    d.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([d.update(blob.subarray(28)), d.final()]);
  };
  const knownKey = (id: unknown) => id === o.keyId || id === arn;

  const server = await listen((req, body, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    calls.push(target);
    const problem = signatureProblem(req, body, o);
    if (problem) return fail(res, 'InvalidSignatureException', problem);
    if (req.headers['content-type'] !== type) {
      return fail(res, 'SerializationException', 'wrong content type');
    }
    const input = JSON.parse(body.toString() || '{}');
    if (!knownKey(input.KeyId)) {
      return fail(
        res,
        'NotFoundException',
        `Key '${input.KeyId}' does not exist`,
      );
    }
    if (target === 'TrentService.GenerateDataKey') {
      const plain = randomBytes(input.KeySpec === 'AES_128' ? 16 : 32);
      return reply(
        res,
        200,
        {
          CiphertextBlob: wrap(plain),
          Plaintext: plain.toString('base64'),
          KeyId: arn,
        },
        type,
      );
    }
    if (target === 'TrentService.Encrypt') {
      const plain = Buffer.from(input.Plaintext, 'base64');
      return reply(res, 200, { CiphertextBlob: wrap(plain), KeyId: arn }, type);
    }
    if (target === 'TrentService.Decrypt') {
      try {
        const plain = unwrap(Buffer.from(input.CiphertextBlob, 'base64'));
        return reply(
          res,
          200,
          {
            Plaintext: plain.toString('base64'),
            KeyId: arn,
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          },
          type,
        );
      } catch {
        return fail(res, 'InvalidCiphertextException', '');
      }
    }
    fail(res, 'UnknownOperationException', target);
  });
  return { ...server, calls };
}
