import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_SCAN_LIMITS, secretScanner, type SecretFile } from '../../../src/checks/images/secrets.js';
import type { FileContent, FileMeta } from '../../../src/images/index.js';
import { DEBOOTSTRAP_SKIP_MESSAGE, canDebootstrap, debianMinbase } from '../../support/rootfs-corpus.js';
import { tempRepo } from '../../support/tmp.js';

/**
 * Precision of the image secret detector on real, stock trees: zero findings allowed. Every file goes through
 * the scanner's own `wants` / `onFile` (what catalogImage's second pass calls), under the path it would have in
 * an image.
 */
async function scanTree(
  root: string,
  prefix = '',
): Promise<{ results: SecretFile[]; files: number; candidates: number }> {
  const scanner = secretScanner();
  let files = 0;
  let candidates = 0;
  const walk = async (relative: string): Promise<void> => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const info = lstatSync(join(root, path));
      if (info.isDirectory()) await walk(path);
      if (!info.isFile()) continue;
      files++;
      const imagePath = `${prefix}${path}`;
      if (!scanner.request.wants?.({ path: imagePath, size: info.size, mode: info.mode } as FileMeta)) continue;
      candidates++;
      const data = Buffer.alloc(Math.min(info.size, SECRET_SCAN_LIMITS.maxFileBytes));
      const fd = openSync(join(root, path), 'r');
      try {
        readSync(fd, data, 0, data.length, 0);
      } finally {
        closeSync(fd);
      }
      await scanner.request.onFile({ path: imagePath, data, layerDigest: 'sha256:corpus' } as FileContent);
    }
  };
  await walk('');
  return { results: scanner.results, files, candidates };
}

const summary = (results: SecretFile[]) => results.map((r) => `${r.path}: ${r.hits.map((h) => h.kind).join(', ')}`);

describe('image secret detector precision: Debian bookworm minbase (debootstrap)', () => {
  let root: string | undefined;
  beforeAll(
    async () => {
      if (!canDebootstrap()) return;
      root = await debianMinbase();
    },
    20 * 60 * 1000,
  );

  it('finds no secret in a stock root filesystem, nsswitch.conf included', async () => {
    if (!root) {
      console.warn(DEBOOTSTRAP_SKIP_MESSAGE);
      return;
    }
    // The corpus holds the file that used to be reported (`passwd: files`) and enough candidates to mean something.
    expect(readFileSync(join(root, 'etc/nsswitch.conf'), 'utf8')).toMatch(/^passwd:\s+files/m);
    const { results, files, candidates } = await scanTree(root);
    expect(files).toBeGreaterThan(5000);
    expect(candidates).toBeGreaterThan(50);
    expect(summary(results)).toEqual([]);
  });
});

describe('image secret detector precision: an npm ci node_modules tree', () => {
  const nodeModules = join(process.cwd(), 'node_modules');
  it('finds no secret in this checkout’s node_modules, placed where images keep it', async () => {
    if (!existsSync(join(nodeModules, '.package-lock.json'))) {
      console.warn('SKIPPED: node_modules precision corpus needs `npm ci` in the checkout');
      return;
    }
    for (const prefix of ['app/node_modules/', 'usr/src/app/node_modules/', 'usr/local/lib/node_modules/']) {
      const { results, files } = await scanTree(nodeModules, prefix);
      expect(files).toBeGreaterThan(1000);
      expect(summary(results), prefix).toEqual([]);
    }
  });
});

/**
 * Stock files of other distributions, restated from their packages (Alpine's alpine-baselayout is not
 * obtainable from Debian or npm, so its secret-prone files are written here), next to files an image author
 * adds with real secrets: only the planted ones may be reported.
 */
const STOCK_FILES: Record<string, string> = {
  // Ubuntu / Fedora nsswitch.conf, PAM, login.defs
  'etc/nsswitch.conf':
    'passwd:         files systemd\ngroup:          files systemd\nshadow:         files\ngshadow:        files\nhosts:          files dns\n',
  'etc/pam.d/common-password':
    'password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\tpam_deny.so\n',
  'etc/pam.d/common-auth': 'auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\tpam_deny.so\n',
  'etc/login.defs': 'PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nENCRYPT_METHOD SHA512\n',
  'etc/security/pwquality.conf': '# minlen = 8\n# dcredit = 0\n',
  'etc/ssl/openssl.cnf': '# input_password = secret\n# output_password = secret\n[ req ]\ndefault_bits = 2048\n',
  'etc/ssh/sshd_config': 'PasswordAuthentication no\nPubkeyAuthentication yes\nKbdInteractiveAuthentication no\n',
  'etc/krb5.conf': '[libdefaults]\n    default_realm = EXAMPLE.COM\n    kdc_timesync = 1\n',
  'etc/libuser.conf': '[defaults]\ncrypt_style = sha512\n[userdefaults]\nLU_USERNAME = %n\n',
  // Alpine alpine-baselayout
  'etc/shadow': 'root:*::0:::::\nbin:!::0:::::\nnobody:!::0:::::\n',
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\n',
  'etc/profile':
    'export CHARSET=UTF-8\nexport PAGER=less\numask 022\nfor script in /etc/profile.d/*.sh ; do\n  [ -r "$script" ] && . "$script"\ndone\n',
  'etc/profile.d/locale.sh': 'export LANG=C.UTF-8\nexport LC_COLLATE=C\n',
  'etc/sysctl.conf': 'net.ipv4.tcp_syncookies = 1\nkernel.kptr_restrict = 1\n',
  'etc/modprobe.d/blacklist.conf': 'blacklist pcspkr\n',
  'etc/securetty': 'console\ntty1\n',
  // Official-image entrypoint conventions
  'usr/local/bin/docker-entrypoint.sh':
    'file_env() {\n  local var="$1"\n  local fileVar="${var}_FILE"\n}\nfile_env POSTGRES_PASSWORD\nPOSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"\n',
  'etc/app/app.conf': 'db_password = /run/secrets/db-password\napi_key = <your-key>\nadmin_password = CHANGEME\n',
};

const PLANTED: Record<string, string> = {
  'etc/myapp/app.conf': 'db_password = Sup3r-s3cret!\n',
  'app/.env': 'API_TOKEN=abcd1234efgh\n',
  'opt/app/start.sh': 'export ADMIN_PASSWORD=hunter2\n',
  'root/.ssh/id_rsa': '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n',
};

describe('image secret detector precision: stock files of other distributions', () => {
  it('reports only the secrets planted beside them', async () => {
    const root = tempRepo({ ...STOCK_FILES, ...PLANTED });
    const { results } = await scanTree(root);
    expect(summary(results)).toEqual([
      'app/.env: env-secret',
      'etc/myapp/app.conf: env-secret',
      'opt/app/start.sh: env-secret',
      'root/.ssh/id_rsa: private-key',
    ]);
  });
});
