import { describe, expect, it } from 'vitest';
import { DIGEST, locations, ofRule, yaml } from './helpers.js';

describe('compose/privileged', () => {
  const RULE = 'compose/privileged';
  it('reports privileged: true at the value', () => {
    const text = yaml(
      'services:',
      '  app:',
      `    image: app:1@${DIGEST}`,
      '    privileged: true',
      '  other:',
      '    privileged: "TRUE"',
    );
    expect(locations(text, RULE)).toEqual(['4:17 service/app', '6:17 service/other']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'critical', key: 'privileged' });
  });
  it('accepts privileged: false and no privileged key', () => {
    expect(locations(yaml('services:', '  app:', '    privileged: false', '  b:', '    image: x'), RULE)).toEqual([]);
  });
  it('reads booleans like compose-go: yes, on, y and ${VAR:-true} are true', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    privileged: yes',
      '  b:',
      '    privileged: "On"',
      '  c:',
      '    privileged: ${PRIVILEGED:-true}',
      '  d:',
      '    privileged: ${PRIVILEGED}',
      '  e:',
      '    privileged: "no"',
      '  f:',
      '    privileged: off',
    );
    expect(locations(text, RULE)).toEqual(['3:17 service/a', '5:17 service/b', '7:17 service/c']);
  });
});

describe('compose/host-namespace', () => {
  const RULE = 'compose/host-namespace';
  it('reports network_mode, pid, ipc, userns_mode and uts set to host', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    network_mode: host',
      '    pid: "host"',
      '    ipc: host',
      '    userns_mode: host',
      '    uts: host',
    );
    expect(locations(text, RULE)).toEqual([
      '3:19 service/a',
      '4:10 service/a',
      '5:10 service/a',
      '6:18 service/a',
      '7:10 service/a',
    ]);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'network_mode',
      'pid',
      'ipc',
      'userns_mode',
      'uts',
    ]);
  });
  it('accepts bridge networks and service namespaces', () => {
    expect(
      locations(
        yaml('services:', '  a:', '    network_mode: "service:b"', '    pid: "container:x"', '    ipc: shareable'),
        RULE,
      ),
    ).toEqual([]);
  });
  it('reports cgroup: host and uses ${VAR:-default} defaults', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    cgroup: host',
      '    network_mode: ${NETWORK_MODE:-host}',
      '  b:',
      '    cgroup: private',
      '    pid: ${PID_MODE}',
    );
    expect(locations(text, RULE)).toEqual(['4:19 service/a', '3:13 service/a']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual(['network_mode', 'cgroup']);
  });
});

describe('compose/dangerous-capability', () => {
  const RULE = 'compose/dangerous-capability';
  it('reports ALL and dangerous capabilities in any spelling, at the list item', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    cap_add:',
      '      - ALL',
      '      - cap_sys_admin',
      '      - CHOWN',
      '  b:',
      '    cap_add: [NET_BIND_SERVICE, SYS_PTRACE]',
    );
    expect(locations(text, RULE)).toEqual(['4:9 service/a', '5:9 service/a', '8:33 service/b']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual(['ALL', 'SYS_ADMIN', 'SYS_PTRACE']);
  });
  it('accepts harmless capabilities and cap_drop', () => {
    expect(
      locations(yaml('services:', '  a:', '    cap_add: [NET_BIND_SERVICE, CHOWN]', '    cap_drop: [ALL]'), RULE),
    ).toEqual([]);
  });
});

describe('compose/sensitive-host-mount', () => {
  const RULE = 'compose/sensitive-host-mount';
  it('reports the Docker socket and host root in short syntax', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    volumes:',
      '      - /var/run/docker.sock:/var/run/docker.sock:ro',
      '      - "/:/host:ro"',
      '      - /etc/:/host-etc',
      '      - ${SOCK:-/run/docker.sock}:/var/run/docker.sock',
      '      - /var/lib/docker/volumes:/v',
    );
    expect(locations(text, RULE)).toEqual([
      '4:9 service/a',
      '5:9 service/a',
      '6:9 service/a',
      '7:9 service/a',
      '8:9 service/a',
    ]);
    expect(ofRule(text, RULE)[0]!.message).toContain('container runtime socket');
  });
  it('reports long syntax bind mounts', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    volumes:',
      '      - type: bind',
      '        source: /proc',
      '        target: /host/proc',
      '        read_only: true',
    );
    expect(locations(text, RULE)).toEqual(['4:9 service/a']);
  });
  it('recognises runtime sockets by name in unknown directories, and the Windows Docker pipe', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    volumes:',
      '      - ${XDG_RUNTIME_DIR}/docker.sock:/var/run/docker.sock',
      '      - /run/user/1000/podman/podman.sock:/run/podman.sock',
      '      - //./pipe/docker_engine://./pipe/docker_engine',
      '      - type: npipe',
      '        source: \\\\.\\pipe\\docker_engine',
      '        target: \\\\.\\pipe\\docker_engine',
      '      - ./docker.sock:/x',
    );
    expect(locations(text, RULE)).toEqual(['4:9 service/a', '5:9 service/a', '6:9 service/a', '7:9 service/a']);
    expect(ofRule(text, RULE)[2]!.message).toContain('Docker Engine API pipe');
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      '${XDG_RUNTIME_DIR}/docker.sock',
      '/run/user/1000/podman/podman.sock',
      'docker_engine',
      'docker_engine#2',
    ]);
  });
  it('follows named volumes that are local bind mounts of host paths', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    volumes:',
      '      - hostroot:/host:ro',
      '      - type: volume',
      '        source: sock',
      '        target: /var/run/docker.sock',
      '      - data:/data',
      'volumes:',
      '  hostroot:',
      '    driver: local',
      '    driver_opts: { type: none, o: bind, device: / }',
      '  sock:',
      '    driver_opts:',
      '      o: "rbind,ro"',
      '      device: /var/run/docker.sock',
      '  data:',
      '    driver_opts: { type: nfs, o: "addr=10.0.0.1,rw", device: ":/export" }',
    );
    expect(locations(text, RULE)).toEqual(['4:9 service/a', '5:9 service/a']);
    expect(ofRule(text, RULE)[0]!.message).toContain('the whole host filesystem');
  });
  it('accepts project paths, named volumes, single host files and unknown variables', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    volumes:',
      '      - ./data:/data',
      '      - db-data:/var/lib/postgresql/data',
      '      - /etc/localtime:/etc/localtime:ro',
      '      - /srv/app:/app',
      '      - /tmp/cache',
      '      - ${HOST_DIR}:/x',
      '      - type: volume',
      '        source: /',
      '        target: /x',
      'volumes:',
      '  db-data: {}',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
});

describe('compose/unconfined-security-opt', () => {
  const RULE = 'compose/unconfined-security-opt';
  it('reports seccomp, apparmor, label and no-new-privileges weakening with : or =', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    security_opt:',
      '      - seccomp:unconfined',
      '      - apparmor=unconfined',
      '      - label:disable',
      '      - no-new-privileges:false',
      '      - seccomp=unconfined',
    );
    expect(locations(text, RULE)).toEqual([
      '4:9 service/a',
      '5:9 service/a',
      '6:9 service/a',
      '7:9 service/a',
      '8:9 service/a',
    ]);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'seccomp:unconfined',
      'apparmor:unconfined',
      'label:disable',
      'no-new-privileges:false',
      'seccomp:unconfined#2',
    ]);
  });
  it('accepts hardening options', () => {
    expect(
      locations(
        yaml(
          'services:',
          '  a:',
          '    security_opt: ["no-new-privileges:true", "seccomp:./profile.json", "label:type:container_t"]',
        ),
        RULE,
      ),
    ).toEqual([]);
  });
});

describe('compose/root-user', () => {
  const RULE = 'compose/root-user';
  it('reports an image service without user at its key, and root users at the value', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    image: nginx:1.27',
      '  b:',
      '    image: x:1',
      '    user: root',
      '  c:',
      '    image: x:1',
      '    user: 0:0',
      '  d:',
      '    image: x:1',
      '    user: 0',
    );
    expect(locations(text, RULE)).toEqual(['2:3 service/a', '6:11 service/b', '9:11 service/c', '12:11 service/d']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'medium', key: 'no-user' });
  });
  it('accepts non-root users, build-only services and unknown variables', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    image: x:1',
      '    user: "10001:10001"',
      '  b:',
      '    build: .',
      '  c:',
      '    image: x:1',
      '    user: ${APP_UID}',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
});

describe('compose/secret-in-environment', () => {
  const RULE = 'compose/secret-in-environment';
  const TOKEN = 'glpat-' + 'x1Y2z3W4v5U6t7S8r9Q0';
  it('reports literal secrets in map and list syntax, redacted', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    environment:',
      '      POSTGRES_PASSWORD: hunter2',
      '      API_KEY: 12345',
      `      CI_JOB: ${TOKEN}`,
      '  b:',
      '    environment:',
      '      - DB_PASS=s3cret',
      '      - DATABASE_URL=postgres://app:pw123@db:5432/app',
    );
    expect(locations(text, RULE)).toEqual([
      '4:26 service/a',
      '5:16 service/a',
      '6:15 service/a',
      '9:9 service/b',
      '10:9 service/b',
    ]);
    const serialized = JSON.stringify(ofRule(text, RULE));
    for (const secret of ['hunter2', '12345', TOKEN, 's3cret', 'pw123']) expect(serialized).not.toContain(secret);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'high', key: 'POSTGRES_PASSWORD' });
  });
  it('ignores interpolations, empty values, pass-through variables and secret file paths', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    environment:',
      '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
      '      TOKEN: "$TOKEN"',
      '      SECRET_KEY:',
      '      DB_PASSWORD_FILE: /run/secrets/db',
      '      LOG_LEVEL: debug',
      '  b:',
      '    environment:',
      '      - API_TOKEN',
      '      - DATABASE_URL=postgres://app:${DB_PW}@db/app',
      '      - PASSWORD=',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
  it('ignores secret file paths and documentation placeholders, whatever the variable name', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    environment:',
      '      DB_PASSWORD: /run/secrets/db-password',
      '      API_KEY: <your-key>',
      '      GOOGLE_API_KEY: GOOGLE_API_KEY_VAL',
      '      ADMIN_PASSWORD: CHANGEME',
      '      SECRET_KEY: changeme',
      '      POSTGRES_PASSWORD: example',
      '      AUTH_TOKEN: xxxx',
      '      SMTP_PASS: "***"',
      '  b:',
      '    environment:',
      '      - REDIS_PASSWORD=/run/secrets/redis',
      '      - API_TOKEN=your-token-here',
      '    build:',
      '      context: .',
      '      args:',
      '        NPM_TOKEN: ${NPM_TOKEN}',
      '        PIP_PASSWORD: <password>',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
  it('reports literal secrets in build.args, map and list syntax', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    build:',
      '      context: .',
      '      args:',
      '        NPM_TOKEN: abcdef123456',
      '        NODE_VERSION: "22"',
      '        GH_TOKEN: ${GH_TOKEN}',
      '  b:',
      '    build:',
      '      context: .',
      '      args:',
      `        - CI=${TOKEN}`,
      '  c:',
      '    build: ./c',
    );
    expect(locations(text, RULE)).toEqual(['6:20 service/a', '13:11 service/b']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'build-arg:NPM_TOKEN',
      'build-arg:CI:gitlab-token',
    ]);
    expect(ofRule(text, RULE)[0]!.message).toMatch(/^The build argument `NPM_TOKEN`/);
    expect(JSON.stringify(ofRule(text, RULE))).not.toContain('abcdef123456');
  });
});

describe('compose/exposed-sensitive-port', () => {
  const RULE = 'compose/exposed-sensitive-port';
  it('reports database and admin ports published on all interfaces, short and long syntax', () => {
    const text = yaml(
      'services:',
      '  db:',
      '    ports:',
      '      - "5432:5432"',
      '      - 0.0.0.0:6379:6379/tcp',
      '      - "[::]:27017:27017"',
      '      - 3306',
      '      - "9200-9300:9200-9300"',
      '      - target: 2375',
      '        published: "2375"',
      '      - target: 11211',
      '        host_ip: 0.0.0.0',
    );
    expect(locations(text, RULE)).toEqual([
      '4:9 service/db',
      '5:9 service/db',
      '6:9 service/db',
      '7:9 service/db',
      '8:9 service/db',
      '8:9 service/db',
      '9:9 service/db',
      '11:9 service/db',
    ]);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'port:5432',
      'port:6379',
      'port:27017',
      'port:3306',
      'port:9200',
      'port:9300',
      'port:2375',
      'port:11211',
    ]);
  });
  it('accepts loopback and specific addresses, other ports and host networking', () => {
    const text = yaml(
      'services:',
      '  db:',
      '    ports: ["127.0.0.1:5432:5432", "[::1]:6379:6379", "10.0.0.5:3306:3306", "8080:80", "${BIND:-127.0.0.1}:9200:9200"]',
      '  cache:',
      '    ports:',
      '      - target: 6379',
      '        host_ip: 127.0.0.1',
      '  hostnet:',
      '    network_mode: host',
      '    ports: ["5432:5432"]',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
});

describe('compose/image-latest and compose/image-no-digest', () => {
  it('reports latest/untagged images and tag-only images separately', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    image: redis',
      '  b:',
      '    image: "ghcr.io/acme/app:latest"',
      '  c:',
      '    image: postgres:16.4',
      '  d:',
      '    image: ${IMG:-nginx}',
    );
    expect(locations(text, 'compose/image-latest')).toEqual(['3:12 service/a', '5:12 service/b', '9:12 service/d']);
    expect(locations(text, 'compose/image-no-digest')).toEqual(['7:12 service/c']);
    expect(ofRule(text, 'compose/image-latest')[0]!.severity).toBe('medium');
    expect(ofRule(text, 'compose/image-no-digest')[0]!.severity).toBe('low');
  });
  it('accepts digests, build services and unknown variables', () => {
    const text = yaml(
      'services:',
      '  a:',
      `    image: redis:7@${DIGEST}`,
      '  b:',
      '    build: .',
      '    image: acme/app',
      '  c:',
      '    image: ${IMAGE}',
    );
    expect(locations(text, 'compose/image-latest')).toEqual([]);
    expect(locations(text, 'compose/image-no-digest')).toEqual([]);
  });
});
