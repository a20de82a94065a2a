import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/secret-in-build';
const GITHUB_TOKEN = 'ghp_' + 'A1b2C3d4E5'.repeat(4).slice(0, 36);
const AWS_KEY = 'AKIA' + 'ABCDEFGHIJKLMNOP';

describe('dockerfile/secret-in-build', () => {
  it('reports ENV and ARG with secret-looking names at the name, without the value', () => {
    const text = dockerfile(
      'ARG NPM_TOKEN',
      PINNED_FROM,
      'ENV DB_PASSWORD=hunter2 APP_NAME=x',
      'ENV AWS_SECRET_ACCESS_KEY wJalrXUtnFEMI',
      'ARG api_key=abc',
    );
    expect(locations(text, RULE)).toEqual(['1:5', '3:5', '4:5', '5:5']);
    const findings = ofRule(text, RULE);
    expect(findings[1]).toMatchObject({ severity: 'high', key: 'ENV DB_PASSWORD' });
    for (const finding of findings) {
      expect(JSON.stringify(finding)).not.toContain('hunter2');
      expect(JSON.stringify(finding)).not.toContain('wJalrXUtnFEMI');
    }
  });

  it('reports well-known token formats in any ENV/ARG value and RUN word, redacted', () => {
    const text = dockerfile(
      PINNED_FROM,
      `ENV GH=${GITHUB_TOKEN}`,
      `RUN git clone https://deploy:s3cr3tpass@git.example.com/acme/app.git`,
      `RUN aws configure set aws_access_key_id ${AWS_KEY}`,
    );
    expect(locations(text, RULE)).toEqual(['2:8', '3:15', '4:41']);
    const serialized = JSON.stringify(ofRule(text, RULE));
    expect(serialized).not.toContain(GITHUB_TOKEN);
    expect(serialized).not.toContain('s3cr3tpass');
    expect(serialized).not.toContain(AWS_KEY);
  });

  it('reports literal secret assignments in RUN, but not values read from a secret mount', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN DB_PASSWORD=hunter2 ./configure && export API_TOKEN="abc def"',
      'RUN --mount=type=secret,id=t API_TOKEN=$(cat /run/secrets/t) npm publish',
      'RUN export NPM_TOKEN=$NPM_TOKEN LOG_LEVEL=debug',
    );
    expect(locations(text, RULE)).toEqual(['2:5', '2:47']);
    const serialized = JSON.stringify(ofRule(text, RULE));
    expect(serialized).not.toContain('hunter2');
    expect(serialized).not.toContain('abc def');
  });

  it('does not report secret mounts, public or file-path names, or harmless values', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci',
      'ENV PUBLIC_KEY_URL=https://x GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
      'ENV PASSWORD_FILE=/run/secrets/db KEYBOARD=us MONKEY=1 AUTH_URL=https://id.example TOKEN_ENDPOINT=/oauth/token',
      'RUN git clone https://github.com/acme/app.git',
      'RUN curl -H "Authorization: Bearer $TOKEN" https://x',
    );
    expect(locations(text, RULE)).toEqual([]);
  });

  it('does not report ENV placeholders or secret file paths, nor RUN placeholders, but still ENV copies of build args', () => {
    const text = dockerfile(
      'ARG NPM_TOKEN=changeme',
      PINNED_FROM,
      'ENV DB_PASSWORD=/run/secrets/db-password API_KEY=<your-key> ADMIN_PASSWORD=CHANGEME',
      'ENV GOOGLE_API_KEY=GOOGLE_API_KEY_VAL SECRET_KEY=""',
      'ARG SSH_PRIVATE_KEY=/root/.ssh/id_ed25519',
      'ENV NPM_TOKEN=$NPM_TOKEN',
      'RUN DB_PASSWORD=changeme ./configure && export API_TOKEN=xxxx',
    );
    // The ARG carries the real token at build time whatever its default; the ENV copies it into the config.
    expect(locations(text, RULE)).toEqual(['1:5', '6:5']);
  });
});
