/**
 * The error taxonomy. A ConfigurationError means the user must change something (policy, flags, inputs):
 * exit code 2 and no stack trace. A PlatformError means the CI platform refused something (permissions,
 * rate limits): it says what to change in the workflow. Everything else is our bug: exit code 3.
 */
export type ErrorKind = 'configuration' | 'platform' | 'internal';

export class ContainersecError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigurationError extends ContainersecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('configuration', code, message, options);
  }
}

export class PlatformError extends ContainersecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('platform', code, message, options);
  }
}

export class InternalError extends ContainersecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('internal', code, message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const EXIT = { pass: 0, blocked: 1, usage: 2, internal: 3 } as const;
