/** Exit codes: the contract in DESIGN.md. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  noCredentials: 3,
  refused: 4,
  config: 5,
  network: 6,
  /** Ctrl-C at a prompt: what a shell reports for a command ended by SIGINT (128 + 2). */
  cancelled: 130,
} as const;
/** Exit codes of a child that could not run, as shells report them (`exec`). */
export const ChildExitCode = {
  cannotRun: 126,
  notFound: 127,
  /** A child ended by signal N exits 128 + N. */
  signalBase: 128,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Every error awsrole expects to show a user: a message, an optional hint, an exit code. */
export class AwsroleError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad value from a flag or argv (exit 2). */
export class UsageError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** Bad file, unknown profile, cycle, bad value from a file (exit 5). */
export class ConfigError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.config, hint);
  }
}

/** A configured source that is broken: partial keys, failing credential_process (exit 3). */
export class CredentialError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.noCredentials, hint);
  }
}

/** STS (or another credential service) refused: denied, expired, bad MFA (exit 4). */
export class RefusedError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.refused, hint);
  }
}

/** Could not reach a service, or it timed out (exit 6). */
export class NetworkError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.network, hint);
  }
}

/** The user cancelled at a prompt (Ctrl-C): exit 130, as if ended by SIGINT. */
export class CancelledError extends AwsroleError {
  constructor() {
    super('cancelled', ExitCode.cancelled);
  }
}

/** Thrown by a chain link whose source is not configured: "not mine, try the next". */
export class ChainSkip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ChainSkip';
  }
}
