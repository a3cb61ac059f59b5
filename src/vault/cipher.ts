import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
} from 'node:crypto';

/** What a secret holds: text, or bytes. */
export type SecretValue = string | Uint8Array;

/** A ciphertext (tag appended) and the nonce it was made with. */
export interface Sealed {
  ciphertext: Buffer;
  nonce: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FINGERPRINT_LABEL = 'fluxbase-security vault key fingerprint v1';
const TEXT = 0x01;
const BYTES = 0x02;

/**
 * The associated data of a ciphertext: the secret's id and key version, so
 * that a ciphertext copied to another row or relabelled does not decrypt.
 */
export function associatedData(id: string, version: number): Buffer {
  return Buffer.from(`fluxbase-vault:v1:${id.toLowerCase()}:${version}`);
}

/**
 * Identifies a key without revealing it: HMAC-SHA256 of a fixed label.
 *
 * @example
 * fingerprintOf(Buffer.alloc(32)); // '64 hex characters'
 */
export function fingerprintOf(key: Uint8Array): string {
  return createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex');
}

/** The plaintext bytes: one tag byte (text or bytes), then the value. */
export function encodeValue(value: SecretValue): Buffer {
  const tag = typeof value === 'string' ? TEXT : BYTES;
  const body =
    typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([Buffer.of(tag), body]);
}

/** The value back from its plaintext bytes; undefined when malformed. */
export function decodeValue(plain: Buffer): SecretValue | undefined {
  const body = plain.subarray(1);
  if (plain[0] === TEXT) return body.toString('utf8');
  if (plain[0] === BYTES) return new Uint8Array(body);
  return undefined;
}

/**
 * Encrypts with AES-256-GCM under a fresh random 96-bit nonce.
 *
 * @example
 * const sealed = sealBytes(key, encodeValue('s3cret'), associatedData(id, 1));
 */
export function sealBytes(key: Uint8Array, plain: Buffer, aad: Buffer): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(aad);
  const body = cipher.update(plain);
  const final = cipher.final();
  return {
    ciphertext: Buffer.concat([body, final, cipher.getAuthTag()]),
    nonce,
  };
}

/**
 * Decrypts what `sealBytes` made; undefined (never partial plaintext) when the
 * key, the bytes, the nonce or the associated data differ.
 *
 * @example
 * const plain = openBytes(key, sealed, associatedData(id, 1));
 */
export function openBytes(
  key: Uint8Array,
  sealed: Sealed,
  aad: Buffer,
): Buffer | undefined {
  const { ciphertext, nonce } = sealed;
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) {
    return undefined;
  }
  const cut = ciphertext.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(cut));
    const body = decipher.update(ciphertext.subarray(0, cut));
    return Buffer.concat([body, decipher.final()]);
  } catch {
    return undefined;
  }
}
