/** New passwords follow NIST SP 800-63B: counted after NFKC, well-formed, not common, not the email. */
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql, startTestApi, type TestApi } from '../support/api.js';
import { uniqueId } from '../support/services.js';

const REGISTER = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { RATE_LIMIT_ENABLED: 'false' } });
});
const email = () => `${uniqueId('pw')}@example.test`;
const register = (e: string, password: string) => graphql(api, REGISTER, { i: { email: e, password } });

describe('register password rules', () => {
  it.each([
    ['4 emoji (8 UTF-16 units, 4 characters)', '😀😀😀😀', 'too_short'],
    ['4 letters with combining accents (NFKC: 4 characters)', 'e\u0301a\u0301o\u0301u\u0301', 'too_short'],
    ['an unpaired high surrogate', 'pharos-\ud800-secret', 'invalid_characters'],
    ['an unpaired low surrogate', 'pharos-\udfff-secret', 'invalid_characters'],
    ['a top common password', 'baseball', 'common'],
    ['a common password in other case', 'QwertyUiop', 'common'],
    ['a common password in full-width forms (NFKC)', 'ｐａｓｓｗｏｒｄ１', 'common'],
  ])('refuses %s', async (_name, password, reason) => {
    const res = await register(email(), password);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password', reason });
    expect(res.body.errors?.[0]?.message).not.toMatch(/^Password must be 8 to 1024/);
  });

  it('refuses the email address itself, or its local part, in the password', async () => {
    const local = uniqueId('ada');
    for (const password of [`${local}@example.test`, `${local.toUpperCase()}-2024`]) {
      const res = await register(`${local}@example.test`, password);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ field: 'password', reason: 'contains_email' });
      expect(res.body.errors?.[0]?.message).toBe('Password must not contain your email address');
    }
  });

  it('lone surrogates no longer collide: \\ud800 and \\udbff are not one password', async () => {
    const e = email();
    // Refused at register; and a login with the other surrogate is not let in.
    expect((await register(e, 'collide-\ud800-pw')).body.errors?.[0]?.extensions?.reason).toBe('invalid_characters');
    const login = await graphql(api, LOGIN, { e, p: 'collide-\udbff-pw' });
    expect(login.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('compares passwords in NFKC form: the full-width and ASCII spellings are one password', async () => {
    const e = email();
    expect((await register(e, 'Ｐｈａｒｏｓ-ｌｉｇｈｔ-４２')).body.errors).toBeUndefined();
    expect((await graphql(api, LOGIN, { e, p: 'Pharos-light-42' })).body.errors).toBeUndefined();
  });
});
