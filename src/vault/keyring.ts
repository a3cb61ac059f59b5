import {
  associatedData,
  decodeValue,
  encodeValue,
  fingerprintOf,
  openBytes,
  type Sealed,
  type SecretValue,
  sealBytes,
} from './cipher.ts';
import { DecryptionError, KeyUnavailableError } from './errors.ts';

/** Where a secret's ciphertext belongs: its row and key version. */
export interface SecretRef {
  id: string;
  name: string;
  version: number;
}

/**
 * The key versions a process holds, in memory only, and the active one.
 * Encrypts and decrypts values bound to their row and version.
 *
 * @example
 * const ring = new Keyring([[1, randomBytes(32)]], 1);
 * const sealed = ring.seal({ id, name: 'stripe', version: 1 }, 'sk_live');
 * ring.open({ id, name: 'stripe', version: 1 }, sealed); // 'sk_live'
 */
export class Keyring {
  readonly #keys = new Map<number, Buffer>();
  readonly #fingerprints = new Map<number, string>();
  #active: number | undefined;

  constructor(keys: Iterable<[number, Uint8Array]> = [], active?: number) {
    for (const [version, key] of keys) this.add(version, key);
    this.#active = active ?? this.#highest();
  }

  /** The version new secrets are encrypted with, if any. */
  get active(): number | undefined {
    return this.#active;
  }

  /** Makes `version` the one that encrypts new secrets. */
  setActive(version: number): void {
    this.#active = version;
  }

  /** Every version held, ascending. */
  versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  has(version: number): boolean {
    return this.#keys.has(version);
  }

  /** Adds (or replaces) a version's 32-byte key. */
  add(version: number, key: Uint8Array): void {
    if (key.length !== 32) {
      throw new TypeError(`key version ${version} must be 32 bytes`);
    }
    const copy = Buffer.from(key);
    this.#keys.set(version, copy);
    this.#fingerprints.set(version, fingerprintOf(copy));
  }

  /** The fingerprint of a version's key, or undefined when not held. */
  fingerprint(version: number): string | undefined {
    return this.#fingerprints.get(version);
  }

  /** Encrypts `value` for the row and version of `ref`. */
  seal(ref: SecretRef, value: SecretValue): Sealed {
    const key = this.#key(ref);
    return sealBytes(
      key,
      encodeValue(value),
      associatedData(ref.id, ref.version),
    );
  }

  /** Decrypts a row's ciphertext; throws DecryptionError when it fails. */
  open(ref: SecretRef, sealed: Sealed): SecretValue {
    const key = this.#key(ref);
    const plain = openBytes(key, sealed, associatedData(ref.id, ref.version));
    const value = plain && decodeValue(plain);
    if (value === undefined) throw new DecryptionError(ref.name, ref.version);
    return value;
  }

  /**
   * Decrypts under one version and encrypts under another. The new
   * ciphertext is not decrypted again: the same key bytes and the same
   * associated data would pass such a check even when wrong, and the keys
   * themselves are checked against their fingerprints before use.
   */
  reseal(from: SecretRef, to: SecretRef, sealed: Sealed): Sealed {
    const plain = openBytes(
      this.#key(from),
      sealed,
      associatedData(from.id, from.version),
    );
    if (!plain) throw new DecryptionError(from.name, from.version);
    return sealBytes(this.#key(to), plain, associatedData(to.id, to.version));
  }

  #key(ref: SecretRef): Buffer {
    const key = this.#keys.get(ref.version);
    if (!key) {
      throw new KeyUnavailableError(
        ref.version,
        `secret ${JSON.stringify(ref.name)}`,
      );
    }
    return key;
  }

  #highest(): number | undefined {
    const versions = this.versions();
    return versions.at(-1);
  }
}
