/**
 * The error classes a caller may want to catch. Every error the toolkit
 * raises on purpose is a `FluxbaseError`; its `exitCode` is what the CLI
 * exits with when the error reaches it (2: usage, configuration or
 * connection; 1: work refused).
 */
export class FluxbaseError extends Error {
  readonly exitCode: 1 | 2 = 2;

  /** A stable, machine-readable code such as `config_invalid`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad flags or arguments. */
export class UsageError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('usage', message, options);
  }
}

/** The server cannot be reached; the message never holds a password. */
export class ConnectionError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('connection_failed', message, options);
  }
}

/** Work that was refused because doing it would be unsafe. */
export class RefusedError extends FluxbaseError {
  override readonly exitCode = 1;
}
