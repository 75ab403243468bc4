/**
 * Standalone local STS with the default model (for `npm run demo` and manual tries):
 *
 *   node sts-main.js [PORT]        # or STS_PORT=PORT; default 0 (any free port)
 *
 * Prints one JSON line to stdout: {"url", "account", "users": [...], "roles": {...}} and serves
 * until SIGTERM or SIGINT. Plain TypeScript (no test framework) so esbuild can bundle it.
 */
import { FIXTURE, startStsServer } from './sts-server.js';

function portFrom(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const raw = argv[2] ?? env['STS_PORT'] ?? '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`sts-main: bad port '${raw}' (give a number 0-65535 as the first argument or STS_PORT)`);
  }
  return port;
}

async function main(): Promise<void> {
  const rig = await startStsServer({ port: portFrom(process.argv, process.env) });
  const f = FIXTURE;
  const info = {
    url: rig.url,
    account: f.account,
    users: [
      {
        name: f.alice.name,
        arn: f.alice.arn,
        accessKeyId: f.alice.accessKeyId,
        secretAccessKey: f.alice.secretAccessKey,
        mfaSerial: f.alice.mfaSerial,
        mfaCode: f.alice.mfaCode,
      },
      { name: f.bob.name, arn: f.bob.arn, accessKeyId: f.bob.accessKeyId, secretAccessKey: f.bob.secretAccessKey },
    ],
    roles: f.roles,
    partnerExternalId: f.partnerExternalId,
  };
  process.stdout.write(JSON.stringify(info) + '\n');
  const stop = (): void => {
    rig.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
