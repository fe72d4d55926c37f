// A real OpenID Connect provider for the tests: oidc-provider (OpenID Certified), on
// 127.0.0.1. Started by tests/oidc/conftest.py with one argument, a JSON file:
//   { issuer, clients: [...], jwks: {keys: [...]}, accountsFile, idTokenTtl, clockOffsetSeconds }
// Accounts are read from accountsFile at every sign-in ({login: {email, email_verified,
// name}}; the login is the subject id), so a test can change a person's address.
// clockOffsetSeconds shifts the provider's clock: its ID tokens are then issued in the
// past (the "expired ID token" test). Prints "READY <port>" once listening.
import fs from 'node:fs';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (config.clockOffsetSeconds) {
  const realNow = Date.now;
  Date.now = () => realNow() + config.clockOffsetSeconds * 1000;
}
const { default: Provider } = await import('oidc-provider');

const accounts = () => JSON.parse(fs.readFileSync(config.accountsFile, 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['facilitator-test-provider-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The e-mail claims go in the ID token itself, as Google and Entra ID put them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  ttl: {
    IdToken: config.idTokenTtl || 3600,
    AccessToken: 600,
    AuthorizationCode: 60,
    Interaction: 3600,
    Session: 3600,
    Grant: 3600,
  },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const server = provider.listen(0, '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
