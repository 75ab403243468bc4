/** Errors from awsrole's STS request handler, as the SDK hands them back, mapped to what a user reads. */
import { describe, expect, it } from 'vitest';
import { HttpTimeoutError } from '../../src/http.js';
import { mapStsError, type CallContext } from '../../src/sts/errors.js';

const call: CallContext = {
  operation: 'GetCallerIdentity',
  settings: { region: 'eu-west-1', endpoint: 'https://sts.eu-west-1.amazonaws.com', endpointFrom: 'regional default', timeoutMs: 10_000, maxAttempts: 3 },
  caller: '****0001',
};

/** The SDK passes the handler's error on, with its retry metadata added. */
const fromSdk = <T extends object>(error: T): T => Object.assign(error, { $metadata: { attempts: 3 } });

describe('mapStsError for the request handler’s errors', () => {
  it.each([
    [new HttpTimeoutError(5000, 'connect'), 'could not connect within 5 s'],
    [new HttpTimeoutError(10_000, 'answer'), 'no answer within 10 s'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 'connect ECONNREFUSED 127.0.0.1:9'],
  ])('%s → exit 6, "%s"', (error, what) => {
    const mapped = mapStsError(fromSdk(error), call);
    expect(mapped.exitCode).toBe(6);
    expect(mapped.message).toBe(`GetCallerIdentity at https://sts.eu-west-1.amazonaws.com (regional default) failed after 3 attempts: ${what}`);
  });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', /NODE_EXTRA_CA_CERTS/],
    ['SELF_SIGNED_CERT_IN_CHAIN', /NODE_EXTRA_CA_CERTS/],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', /NODE_EXTRA_CA_CERTS/],
    ['CERT_HAS_EXPIRED', /machine's clock/],
    ['CERT_NOT_YET_VALID', /machine's clock/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /another host name/],
  ])('a TLS certificate error %s → exit 6, said plainly, with a hint for its kind', (code, hint) => {
    const mapped = mapStsError(fromSdk(Object.assign(new Error('certificate problem'), { code })), call);
    expect(mapped.exitCode).toBe(6);
    expect(mapped.message).toBe(`GetCallerIdentity at https://sts.eu-west-1.amazonaws.com (regional default) failed: the endpoint's TLS certificate is not trusted (${code}: certificate problem)`);
    expect(mapped.hint).toMatch(hint);
  });
});
