import { KeySourceError } from './errors.ts';
import type { KeyWrapper } from './keys.ts';
import type { EncryptionConfig } from './schema.ts';

type KmsModule = typeof import('@aws-sdk/client-kms');

async function loadSdk(): Promise<KmsModule> {
  try {
    return await import('@aws-sdk/client-kms');
  } catch (error) {
    throw new KeySourceError(
      'security.encryption.provider is aws_kms but @aws-sdk/client-kms is not installed: run npm install @aws-sdk/client-kms',
      { cause: error },
    );
  }
}

function credentialsOf(env: NodeJS.ProcessEnv) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return { accessKeyId, secretAccessKey, sessionToken };
}

function kmsFailure(action: string, keyId: string, error: unknown) {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  return new KeySourceError(
    `AWS KMS ${action} with key ${keyId} failed: ${name}: ${message}`,
    { cause: error },
  );
}

/**
 * The envelope for provider `aws_kms`: data keys made by `GenerateDataKey`
 * (AES_256) and unwrapped by `Decrypt`, both with `kms_key_id`. Loads
 * @aws-sdk/client-kms only when called.
 *
 * @example
 * const wrapper = await kmsWrapper(config.security.encryption, process.env);
 * const { plaintext, wrapped } = await wrapper.generate();
 */
export async function kmsWrapper(
  config: EncryptionConfig,
  env: NodeJS.ProcessEnv,
): Promise<KeyWrapper> {
  const keyId = config.kms_key_id;
  const region = config.kms_region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!keyId || !region) {
    const missing = !keyId
      ? 'security.encryption.kms_key_id'
      : 'security.encryption.kms_region (or AWS_REGION)';
    throw new KeySourceError(`provider aws_kms needs ${missing}: set it`);
  }
  const sdk = await loadSdk();
  const client = new sdk.KMSClient({
    region,
    endpoint: config.kms_endpoint,
    credentials: credentialsOf(env),
  });
  return {
    keyId,
    async generate() {
      const command = new sdk.GenerateDataKeyCommand({
        KeyId: keyId,
        KeySpec: 'AES_256',
      });
      const out = await client.send(command).catch((error: unknown) => {
        throw kmsFailure('GenerateDataKey', keyId, error);
      });
      return {
        plaintext: Buffer.from(out.Plaintext!),
        wrapped: Buffer.from(out.CiphertextBlob!),
      };
    },
    async unwrap(wrapped) {
      const command = new sdk.DecryptCommand({
        KeyId: keyId,
        CiphertextBlob: wrapped,
      });
      const out = await client.send(command).catch((error: unknown) => {
        throw kmsFailure('Decrypt', keyId, error);
      });
      return Buffer.from(out.Plaintext!);
    },
  };
}
