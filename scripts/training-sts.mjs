// A loopback STS with fixed answers, used only to train the code caches (scripts/train-code-cache.mjs)
// during `npm run build`. Training needs the CLI to walk the SDK's whole request path (sign, send,
// parse an answer) once, not a faithful STS: this one checks no signature or policy and answers
// AssumeRole and GetCallerIdentity for the fixture HOME of scripts/local-sts.mjs. The faithful
// STS (test/rigs/) is for the tests, the demo and the bench; the product build does not use it.
import { createServer } from 'node:http';
import { URLSearchParams } from 'node:url';

const ACCOUNT = '111122223333';
const ALICE = { name: 'alice', accessKeyId: 'AKIATRAININGALICE001', secretAccessKey: 'trainingSECRETnotAREALkeyALICE0000000001' };
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const isoSeconds = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function response(action, result) {
  return `<${action}Response xmlns="${NAMESPACE}">\n  <${action}Result>\n${result}  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>training-request</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
}

/** The answer to one query-protocol body, or undefined for an action this STS does not know. */
function answer(action, params) {
  if (action === 'GetCallerIdentity') {
    return response(action, `    <Arn>arn:aws:iam::${ACCOUNT}:user/alice</Arn>\n    <UserId>AIDATRAININGALICE0001</UserId>\n    <Account>${ACCOUNT}</Account>\n`);
  }
  if (action === 'AssumeRole') {
    const session = params.get('RoleSessionName') ?? 'training';
    const expiration = isoSeconds(new Date(Date.now() + 60 * 60 * 1000));
    return response(
      action,
      `    <AssumedRoleUser>\n      <AssumedRoleId>AROATRAININGDEPLOY01:${session}</AssumedRoleId>\n      <Arn>arn:aws:sts::${ACCOUNT}:assumed-role/deploy/${session}</Arn>\n    </AssumedRoleUser>\n` +
        `    <Credentials>\n      <AccessKeyId>ASIATRAININGSESSION1</AccessKeyId>\n      <SecretAccessKey>trainingSESSIONsecret000000000000000001</SecretAccessKey>\n      <SessionToken>trainingSESSIONtoken</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n`,
    );
  }
  return undefined;
}

/**
 * Starts the STS on 127.0.0.1 (any free port). Resolves to the same description the test rig
 * prints (url, users, roles), `actions` (every action asked for, in order) and `stop()`.
 */
export function startTrainingSts() {
  const actions = [];
  const server = createServer((request, reply) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      const xml = answer(action, params);
      actions.push(action);
      reply.writeHead(xml === undefined ? 400 : 200, { 'content-type': 'text/xml' });
      reply.end(xml ?? `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidAction</Code>\n    <Message>the training STS answers AssumeRole and GetCallerIdentity only</Message>\n  </Error>\n  <RequestId>training-request</RequestId>\n</ErrorResponse>\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        users: [ALICE],
        roles: { deploy: DEPLOY_ROLE },
        actions,
        stop: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
