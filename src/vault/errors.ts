import { FluxbaseError, RefusedError } from '../errors.ts';

/**
 * A ciphertext that does not decrypt: the key is wrong, or the bytes were
 * altered, moved to another row or relabelled with another key version.
 * No plaintext is ever returned in that case.
 *
 * @example
 * try { await vault.get('x'); }
 * catch (e) { if (e instanceof DecryptionError) alertSecurityTeam(e); }
 */
export class DecryptionError extends RefusedError {
  constructor(name: string, version: number, options?: ErrorOptions) {
    super(
      'decryption_failed',
      `secret ${JSON.stringify(name)} does not decrypt with key version ${version}: the key is wrong or the ciphertext was altered, moved to another row or relabelled`,
      options,
    );
  }
}

/** A secret's key version has no key in the configuration. */
export class KeyUnavailableError extends FluxbaseError {
  readonly version: number;

  constructor(version: number, what: string) {
    super(
      'key_unavailable',
      `${what} needs key version ${version}, which is not configured: add it to security.encryption.keys or set FLUXBASE_SECRET_KEY_${version}`,
    );
    this.version = version;
  }
}

/**
 * A configured key differs from the one recorded in vault.keys.
 *
 * @example
 * await openVault({ db, config }).catch((e) => {
 *   if (e instanceof KeyMismatchError) console.error(e.message);
 * });
 */
export class KeyMismatchError extends RefusedError {
  readonly version: number;

  constructor(version: number) {
    super(
      'key_mismatch',
      `key version ${version} in the configuration is not the key that encrypted these secrets`,
    );
    this.version = version;
  }
}

/** A key version that may not encrypt: compromised, or not configured. */
export class KeyStateError extends RefusedError {
  constructor(message: string) {
    super('key_state', message);
  }
}

/**
 * A rollback to the version that is already active, with every secret
 * on it: there is nothing to move, abandon or reconfigure.
 *
 * @example
 * await rollback(vault, { toVersion: 1, reason: 'x' }); // throws it
 */
export class NothingToRollBackError extends RefusedError {
  readonly version: number;

  constructor(version: number) {
    super(
      'nothing_to_roll_back',
      `key version ${version} is already the active key version and every secret uses it: there is nothing to roll back`,
    );
    this.version = version;
  }
}

/** No secret has that name. */
export class SecretNotFoundError extends RefusedError {
  constructor(name: string) {
    super('secret_not_found', `no secret named ${JSON.stringify(name)}`);
  }
}

/**
 * Secret names that may not be stored: empty, too long, with leading or
 * trailing whitespace or with control characters.
 *
 * @example
 * await vault.put('', 'x'); // throws SecretNameError
 */
export class SecretNameError extends FluxbaseError {
  /** Each bad name with what is wrong with it. */
  readonly names: [string, string][];

  constructor(names: [string, string][], rule: string) {
    const listed = names
      .map(([name, problem]) => `${JSON.stringify(name)} (${problem})`)
      .join(', ');
    const plural = names.length > 1 ? 's' : '';
    super(
      'secret_name_invalid',
      `invalid secret name${plural} ${listed}: ${rule}`,
    );
    this.names = names;
  }
}

/**
 * A re-encryption stopped by a failure (a lost connection, a database
 * error). Every batch either committed or rolled back, so nothing is lost
 * and running it again continues.
 */
export class RotationStoppedError extends FluxbaseError {
  constructor(from: number, to: number, options: { cause: unknown }) {
    const reason = (options.cause as Error)?.message ?? String(options.cause);
    super(
      'rotation_stopped',
      `re-encryption from key version ${from} to ${to} stopped: ${reason}. Nothing is lost (each batch committed whole or not at all): run the same command again to continue`,
      options,
    );
  }
}

/** The database has no vault schema yet. */
export class VaultMissingError extends FluxbaseError {
  constructor(where: string) {
    super(
      'vault_missing',
      `the vault is not installed in ${where}: run fluxbase-cli migrate up first`,
    );
  }
}
