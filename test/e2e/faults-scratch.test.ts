import { it } from 'vitest';
import * as http from 'node:http';
import { FIXTURE } from '../rigs/sts-server.js';
import { makeHome, runCli } from '../support/cli.js';

it('scratch', async () => {
  let status = 404; let body = '<html>nope</html>'; let ctype = 'text/html';
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(status, { 'content-type': ctype }); res.end(body); }); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const home = await makeHome({}, { AWS_ENDPOINT_URL_STS: url, AWS_ACCESS_KEY_ID: FIXTURE.alice.accessKeyId, AWS_SECRET_ACCESS_KEY: FIXTURE.alice.secretAccessKey });
  for (const [s, b, c] of [[404, '<html>nope</html>', 'text/html'], [404, 'not found', 'text/plain'], [403, '{"message":"Forbidden"}', 'application/json'], [200, '{"a":1}', 'application/json'], [502, '<html>bad gateway</html>', 'text/html'], [200, '<GetCallerIdentityResponse><GetCallerIdentityResult></GetCallerIdentityResult></GetCallerIdentityResponse>', 'text/xml']] as const) {
    status = s; body = b; ctype = c;
    for (const args of [['whoami'], ['assume', '--role-arn', FIXTURE.roles.deploy]]) {
      const r = await runCli(args, { ...home.env });
      console.log(`== ${s} ${b} ${args[0]}: code=${r.code} stdout=${JSON.stringify(r.stdout.slice(0, 80))}\n${r.stderr}`);
    }
  }
  server.close();
  await home.cleanup();
});
