import {
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_SECRET,
  DEPLOY_BOT_APP_ID,
  DEPLOY_BOT_SECRET,
  DEV_API_APP_ID_URI,
  DEV_CLI_APP_ID,
  ALICE_PASSWORD,
  BOB_PASSWORD,
  CAROL_PASSWORD,
} from '@portcullis/dev-identities';

/** Gets tokens from the development issuer over HTTP, exactly as a client of Entra would. */
export class DevTokens {
  constructor(readonly tokenEndpoint: string) {}

  async agent(who: 'code-review-bot' | 'deploy-bot' = 'code-review-bot'): Promise<string> {
    const [id, secret] =
      who === 'code-review-bot'
        ? [CODE_REVIEW_BOT_APP_ID, CODE_REVIEW_BOT_SECRET]
        : [DEPLOY_BOT_APP_ID, DEPLOY_BOT_SECRET];
    return this.token({
      grant_type: 'client_credentials',
      client_id: id,
      client_secret: secret,
      scope: `${DEV_API_APP_ID_URI}/.default`,
    });
  }

  /** alice: DBA approver; bob: auditor; carol: admin. */
  async human(who: 'alice' | 'bob' | 'carol'): Promise<string> {
    const password = { alice: ALICE_PASSWORD, bob: BOB_PASSWORD, carol: CAROL_PASSWORD }[who];
    return this.token({
      grant_type: 'password',
      client_id: DEV_CLI_APP_ID,
      username: who,
      password,
      scope: `${DEV_API_APP_ID_URI}/.default`,
    });
  }

  private async token(form: Record<string, string>): Promise<string> {
    const res = await fetch(this.tokenEndpoint, { method: 'POST', body: new URLSearchParams(form) });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!res.ok || !body.access_token)
      throw new Error(`token endpoint: ${res.status} ${body.error} ${body.error_description ?? ''}`);
    return body.access_token;
  }
}
