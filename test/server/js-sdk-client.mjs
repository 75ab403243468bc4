// The JS SDK's container providers against the endpoint (issue 12): smithy's fromContainerMetadata and
// @aws-sdk/credential-provider-http's fromHttp, each called twice (the server refreshes in between),
// each result used to sign GetCallerIdentity at the STS rig. One JSON line per call.
import { fromContainerMetadata } from '@smithy/credential-provider-imds';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const providers = { fromContainerMetadata: fromContainerMetadata(), fromHttp: fromHttp() };
for (const [name, provider] of Object.entries(providers)) {
  for (let round = 0; round < 2; round++) {
    const credentials = await provider();
    const sts = new STSClient({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL_STS, credentials });
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    process.stdout.write(`${JSON.stringify({ provider: name, key: credentials.accessKeyId, expiration: credentials.expiration?.toISOString(), arn: Arn })}\n`);
  }
}
