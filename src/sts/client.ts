import type { Credentials } from '../domain/credentials.js';
import type { Deps } from '../deps.js';
import { maskKeyId } from '../output/mask.js';
import { mapStsError, notStsAnswerError, type CallContext } from './errors.js';
import type { Network } from '../net/network.js';
import { stsRequestHandler } from './request-handler.js';
import type { StsSettings } from './settings.js';

type StsModule = typeof import('@aws-sdk/client-sts');

let sdk: Promise<StsModule> | undefined;

/** The SDK is loaded only by commands that call STS, so the others start fast. */
export function loadStsSdk(): Promise<StsModule> {
  // Bundled CommonJS may arrive as a default export.
  sdk ??= import('@aws-sdk/client-sts').then((module) => ('STSClient' in module ? module : (module as { default: StsModule }).default));
  return sdk;
}

export interface StsCaller {
  settings: StsSettings;
  /**
   * Sends one command with the given credentials; errors come back mapped to AwsroleError.
   * `undefined` credentials: an unauthenticated operation (AssumeRoleWithWebIdentity), sent unsigned.
   */
  send<T>(operation: string, credentials: Credentials | undefined, build: (module: StsModule) => unknown): Promise<T>;
}

/** `network`: proxies and the CA bundle of the selected profile (src/net/network.ts). */
export function createStsCaller(settings: StsSettings, deps?: Pick<Deps, 'debug'>, network?: Network): StsCaller {
  return {
    settings,
    async send<T>(operation: string, credentials: Credentials | undefined, build: (module: StsModule) => unknown): Promise<T> {
      const module = await loadStsSdk();
      const client = new module.STSClient({
        region: settings.region,
        endpoint: settings.endpoint,
        credentials:
          credentials === undefined
            ? // The operation's auth scheme is noAuth: the SDK never asks. If it did, it must not sign with anything found lying around.
              () => Promise.reject(new Error(`${operation} is unsigned and has no credentials`))
            : {
                accessKeyId: credentials.accessKeyId,
                secretAccessKey: credentials.secretAccessKey,
                ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
              },
        maxAttempts: settings.maxAttempts,
        retryMode: 'standard',
        useFipsEndpoint: false,
        useDualstackEndpoint: false,
        // Given here, the SDK need not look them up in the environment and ~/.aws/config itself.
        defaultsMode: 'standard',
        authSchemePreference: ['sigv4'],
        sigv4aSigningRegionSet: [],
        userAgentAppId: 'awsrole',
        requestHandler: stsRequestHandler(settings.timeoutMs, undefined, network),
        // Given, so the SDK does not read ~/.aws/config for it (AWS_DISABLE_CLOCK_SKEW_CORRECTION is the SDK's, not awsrole's).
        disableClockSkewCorrection: false,
        logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      const caller = credentials === undefined ? 'none (unsigned)' : maskKeyId(credentials.accessKeyId);
      deps?.debug?.(`STS ${operation} at ${settings.endpoint} (${settings.endpointFrom}), region ${settings.region}, key ${caller}`);
      const call: CallContext = { operation, settings, caller };
      let output: unknown;
      try {
        output = await client.send(build(module) as never);
      } catch (error) {
        throw mapStsError(error, call);
      } finally {
        client.destroy();
      }
      const missing = missingFields(operation, output);
      if (missing.length > 0) throw notStsAnswerError(call, `HTTP 200 without ${missing.join(', ')}`);
      return output as T;
    },
  };
}

/** What every real STS answer of these operations holds; an HTTP 200 without it came from something else. */
const REQUIRED_FIELDS: Record<string, readonly string[]> = {
  AssumeRole: ['Credentials.AccessKeyId', 'Credentials.SecretAccessKey', 'Credentials.SessionToken', 'Credentials.Expiration'],
  AssumeRoleWithWebIdentity: ['Credentials.AccessKeyId', 'Credentials.SecretAccessKey', 'Credentials.SessionToken', 'Credentials.Expiration'],
  GetSessionToken: ['Credentials.AccessKeyId', 'Credentials.SecretAccessKey', 'Credentials.SessionToken', 'Credentials.Expiration'],
  GetFederationToken: ['Credentials.AccessKeyId', 'Credentials.SecretAccessKey', 'Credentials.SessionToken', 'Credentials.Expiration'],
  GetCallerIdentity: ['Account', 'Arn', 'UserId'],
  DecodeAuthorizationMessage: ['DecodedMessage'],
};

function missingFields(operation: string, output: unknown): string[] {
  return (REQUIRED_FIELDS[operation] ?? []).filter((path) => {
    let value: unknown = output;
    for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return value === undefined || value === null || value === '';
  });
}
