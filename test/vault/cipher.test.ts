import { randomBytes, randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  associatedData,
  encodeValue,
  fingerprintOf,
  openBytes,
  sealBytes,
} from '../../src/vault/cipher.ts';
import { DecryptionError } from '../../src/vault/errors.ts';
import { Keyring } from '../../src/vault/keyring.ts';
import { KEY1, KEY2 } from './support.ts';

const key1 = Buffer.from(KEY1, 'hex');
const key2 = Buffer.from(KEY2, 'hex');
const id = '0b6c2f64-3a5e-4d8f-9b1a-7c2e5d4f3a21';
const other = '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4';

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('AES-256-GCM sealing', () => {
  const plain = encodeValue('sk_live_4242');
  const sealed = sealBytes(key1, plain, associatedData(id, 1));

  it('opens what it sealed with the same key, row and version', () => {
    expect(openBytes(key1, sealed, associatedData(id, 1))).toEqual(plain);
  });

  it('makes a 12-byte nonce and appends a 16-byte tag', () => {
    expect(sealed.nonce.length).toBe(12);
    expect(sealed.ciphertext.length).toBe(plain.length + 16);
  });

  it.each([
    ['a wrong key', () => openBytes(key2, sealed, associatedData(id, 1))],
    [
      'a flipped bit in the ciphertext',
      () =>
        openBytes(
          key1,
          { ...sealed, ciphertext: flip(sealed.ciphertext, 0) },
          associatedData(id, 1),
        ),
    ],
    [
      'a flipped bit in the tag',
      () =>
        openBytes(
          key1,
          {
            ...sealed,
            ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1),
          },
          associatedData(id, 1),
        ),
    ],
    [
      'a flipped bit in the nonce',
      () =>
        openBytes(
          key1,
          { ...sealed, nonce: flip(sealed.nonce, 5) },
          associatedData(id, 1),
        ),
    ],
    [
      'a ciphertext moved to another row',
      () => openBytes(key1, sealed, associatedData(other, 1)),
    ],
    [
      'a ciphertext relabelled with another version',
      () => openBytes(key1, sealed, associatedData(id, 2)),
    ],
    [
      'a truncated ciphertext',
      () =>
        openBytes(
          key1,
          { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) },
          associatedData(id, 1),
        ),
    ],
  ])('returns no plaintext for %s', (_what, attempt) => {
    expect(attempt()).toBeUndefined();
  });

  it('uses a fresh nonce every time: 100k encryptions, no repeat', () => {
    const seen = new Set<string>();
    const small = Buffer.from('x');
    const aad = associatedData(id, 1);
    for (let i = 0; i < 100_000; i++) {
      seen.add(sealBytes(key1, small, aad).nonce.toString('hex'));
    }
    expect(seen.size).toBe(100_000);
  });

  it('fingerprints a key as 64 hex characters, one per key', () => {
    expect(fingerprintOf(key1)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(key1)).toBe(fingerprintOf(Buffer.from(key1)));
    expect(fingerprintOf(key1)).not.toBe(fingerprintOf(key2));
    expect(fingerprintOf(key1)).not.toContain(KEY1);
  });
});

describe('Keyring', () => {
  const ring = new Keyring([
    [1, key1],
    [2, key2],
  ]);
  const ref = { id, name: 'stripe', version: 1 };

  it('round-trips text and bytes, keeping which one it was', () => {
    const bytes = new Uint8Array(randomBytes(40));
    expect(ring.open(ref, ring.seal(ref, 'text ✓'))).toBe('text ✓');
    expect(ring.open(ref, ring.seal(ref, bytes))).toEqual(bytes);
    expect(ring.open(ref, ring.seal(ref, ''))).toBe('');
  });

  it('takes the highest version as active when none is named', () => {
    expect(ring.active).toBe(2);
    expect(ring.versions()).toEqual([1, 2]);
  });

  it('throws a DecryptionError naming the secret for a relabelled ciphertext', () => {
    const sealed = ring.seal(ref, 'v');
    expect(() => ring.open({ ...ref, version: 2 }, sealed)).toThrowError(
      new DecryptionError('stripe', 2),
    );
    expect(() => ring.open({ ...ref, version: 2 }, sealed)).toThrow(
      'secret "stripe" does not decrypt with key version 2: the key is wrong or the ciphertext was altered, moved to another row or relabelled',
    );
  });

  it('says which version is missing when a key is not configured', () => {
    expect(() => ring.seal({ ...ref, version: 3 }, 'v')).toThrow(
      'secret "stripe" needs key version 3, which is not configured: add it to security.encryption.keys or set FLUXBASE_SECRET_KEY_3',
    );
  });

  it('re-seals to another version and checks the result', () => {
    const sealed = ring.seal(ref, 'moving');
    const moved = ring.reseal(ref, { ...ref, version: 2 }, sealed);
    expect(ring.open({ ...ref, version: 2 }, moved)).toBe('moving');
    expect(() =>
      ring.reseal({ ...ref, id: randomUUID() }, ref, sealed),
    ).toThrow(DecryptionError);
  });
});
