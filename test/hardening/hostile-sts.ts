/** A loopback STS that answers every request with what the test says: for hostile answers the rig never gives. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileAnswer {
  status: number;
  body: string;
}

export interface HostileSts {
  url: string;
  /** The Action of each request received. */
  actions: string[];
  close(): Promise<void>;
}

export async function startHostileSts(answer: (action: string) => HostileAnswer): Promise<HostileSts> {
  const actions: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Action') ?? '';
      actions.push(action);
      const { status, body } = answer(action);
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'hostile-request' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** GetCallerIdentity's answer with these values, as raw as STS would send them. */
export function callerIdentityXml(identity: { Account: string; Arn: string; UserId: string }): string {
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>${identity.Arn}</Arn><UserId>${identity.UserId}</UserId><Account>${identity.Account}</Account>` +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>hostile-request</RequestId></ResponseMetadata></GetCallerIdentityResponse>'
  );
}

/** An STS error answer with this code and message. */
export function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>hostile-request</RequestId></ErrorResponse>`;
}
