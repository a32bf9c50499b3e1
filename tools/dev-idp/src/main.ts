import { defaultDevIdpConfig, loadClientsFile } from './config';
import { DEV_IDP_DEFAULT_PORT, DEV_TENANT } from './fixtures';
import { startDevIdp } from './server';

/**
 * Development OIDC issuer shaped like Microsoft Entra ID. For demos and
 * tests only: its keys live in memory, its client secrets and user passwords
 * are published dev values, and it offers the password grant (ROPC), which
 * Microsoft discourages for real tenants.
 *
 * Env: DEV_IDP_PORT (default 7180), DEV_IDP_TENANT (default DEV_TENANT),
 * DEV_IDP_CLIENTS (optional JSON file: { api?, clients?, users? }),
 * DEV_IDP_HOST (bind address, default 127.0.0.1),
 * DEV_IDP_PUBLIC_URL (base URL others reach it by; becomes part of the issuer),
 * DEV_IDP_TOKEN_LIFETIME (seconds, default 3600).
 */
async function main(): Promise<void> {
  const port = Number(process.env['DEV_IDP_PORT'] ?? DEV_IDP_DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('DEV_IDP_PORT must be a port number');
  const tenant = process.env['DEV_IDP_TENANT'] ?? DEV_TENANT;
  let config = defaultDevIdpConfig(tenant);
  const clientsFile = process.env['DEV_IDP_CLIENTS'];
  if (clientsFile) config = await loadClientsFile(config, clientsFile);
  const lifetime = process.env['DEV_IDP_TOKEN_LIFETIME'];
  if (lifetime !== undefined) {
    // Short lifetimes let tests watch a session end when its token expires.
    if (!/^\d+$/.test(lifetime) || Number(lifetime) < 1)
      throw new Error('DEV_IDP_TOKEN_LIFETIME must be a whole number of seconds');
    config = { ...config, tokenLifetimeSeconds: Number(lifetime) };
  }

  const idp = await startDevIdp({
    port,
    tenant,
    config,
    host: process.env['DEV_IDP_HOST'] ?? '127.0.0.1',
    ...(process.env['DEV_IDP_PUBLIC_URL'] ? { publicUrl: process.env['DEV_IDP_PUBLIC_URL'] } : {}),
  });
  const demo = config.clients.find((c) => c.demo && c.clientSecret !== undefined);
  const lines = [
    `dev-idp (DEVELOPMENT ONLY) listening on ${idp.url}`,
    `issuer:    ${idp.issuer}`,
    `discovery: ${idp.discoveryUrl}`,
    `jwks:      ${idp.jwksUri}`,
    `token:     ${idp.tokenEndpoint}`,
  ];
  if (demo) {
    // The one documented place a dev secret is printed: the demo client's, for copy-paste.
    lines.push(
      '',
      `Get an agent token for ${demo.name} (dev-only demo secret):`,
      `  curl -s -d grant_type=client_credentials -d client_id=${demo.clientId} -d client_secret=${demo.clientSecret} -d scope=${config.api.appIdUri}/.default ${idp.tokenEndpoint}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (): void => {
    void idp.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`dev-idp: ${(err as Error).message}\n`);
  process.exit(1);
});
