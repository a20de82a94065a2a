import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, withDefaults } from './report.js';

/** Ports of databases and administration interfaces that should never face the network. */
export const SENSITIVE_PORTS: Record<number, string> = {
  22: 'SSH',
  23: 'Telnet',
  1433: 'SQL Server',
  1521: 'Oracle',
  2181: 'ZooKeeper',
  2375: 'Docker API (plain)',
  2376: 'Docker API (TLS)',
  2379: 'etcd',
  2380: 'etcd peer',
  3306: 'MySQL/MariaDB',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5672: 'RabbitMQ',
  5900: 'VNC',
  5984: 'CouchDB',
  6379: 'Redis',
  6443: 'Kubernetes API',
  7000: 'Cassandra',
  7001: 'Cassandra (TLS)',
  8086: 'InfluxDB',
  8500: 'Consul',
  9042: 'Cassandra CQL',
  9092: 'Kafka',
  9200: 'Elasticsearch',
  9300: 'Elasticsearch transport',
  10250: 'kubelet',
  11211: 'memcached',
  15672: 'RabbitMQ management',
  26257: 'CockroachDB',
  27017: 'MongoDB',
  27018: 'MongoDB',
};

interface PortBinding {
  hostIp: string;
  /** Container port range. */
  low: number;
  high: number;
}

function range(text: string): { low: number; high: number } | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const low = Number(match[1]);
  return { low, high: match[2] === undefined ? low : Number(match[2]) };
}

/** `[[IP:]HOST:]CONTAINER[/PROTOCOL]`, IPv6 host addresses in brackets (compose spec, ports short syntax). */
export function parseShortPort(spec: string): PortBinding | undefined {
  const withoutProtocol = spec.trim().replace(/\/(?:tcp|udp|sctp)$/i, '');
  let hostIp = '';
  let rest = withoutProtocol;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(withoutProtocol);
  if (bracketed) {
    hostIp = bracketed[1]!;
    rest = bracketed[2]!;
  }
  const parts = rest.split(':');
  if (!bracketed && parts.length > 2) {
    hostIp = parts.slice(0, -2).join(':');
  }
  const container = range(parts[parts.length - 1]!);
  return container ? { hostIp, ...container } : undefined;
}

export function isAllInterfaces(hostIp: string): boolean {
  const ip = hostIp.trim().replace(/^\[|\]$/g, '');
  return ip === '' || ip === '0.0.0.0' || ip === '::' || /^0+(?::0+)*::?$/.test(ip);
}

const rule: RuleDefinition = {
  id: 'compose/exposed-sensitive-port',
  check: 'manifests',
  title: 'Database or admin port published on all interfaces',
  severity: 'medium',
  description:
    'A compose service publishes a database or administration port on every host interface. Covered ports: SSH 22, ' +
    'Telnet 23, SQL Server 1433, Oracle 1521, ZooKeeper 2181, Docker API 2375/2376, etcd 2379/2380, MySQL 3306, RDP ' +
    '3389, PostgreSQL 5432, RabbitMQ 5672/15672, VNC 5900, CouchDB 5984, Redis 6379, Kubernetes API 6443, Cassandra ' +
    '7000/7001/9042, InfluxDB 8086, Consul 8500, Kafka 9092, Elasticsearch 9200/9300, kubelet 10250, memcached ' +
    '11211, CockroachDB 26257, MongoDB 27017/27018 — matched on the container port. Short syntax (`"5432"`, ' +
    '`"5432:5432"`, `"0.0.0.0:5432:5432"`, `"[::]:5432:5432"`, ranges) and long syntax (`target:`, `host_ip:`) ' +
    'are checked; a binding to `127.0.0.1`, `::1` or another specific address is fine.',
  rationale:
    'Docker publishes ports by writing its own firewall rules, which bypass host firewalls such as ufw. A database ' +
    'or admin API bound to `0.0.0.0` is therefore reachable from the network — often the internet — where default ' +
    'or weak credentials (or none, for Redis, memcached, Elasticsearch, the Docker API) are found by scanners within ' +
    'hours.',
  fix:
    'Publish only to loopback, or not at all and let other services use the compose network:\n\n```yaml\nservices:\n' +
    '  db:\n    image: postgres:16.4\n    ports:\n      - "127.0.0.1:5432:5432"\n```',
  references: [
    'https://docs.docker.com/reference/compose-file/services/#ports',
    'https://docs.docker.com/engine/network/packet-filtering-firewalls/',
  ],
};

export const exposedSensitivePort: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    const { view } = file;
    for (const service of file.services) {
      const networkMode = view.scalar(view.get(service.node, 'network_mode')?.value);
      // With the host network, `ports` are ignored; compose/host-namespace reports the service instead.
      if (networkMode !== undefined && withDefaults(networkMode.trim())?.trim() === 'host') continue;
      const entry = view.get(service.node, 'ports');
      if (!entry) continue;
      for (const item of view.items(entry.value)) {
        let binding: PortBinding | undefined;
        const short = view.scalar(item);
        if (short !== undefined) {
          const resolved = withDefaults(short);
          binding = resolved === undefined ? undefined : parseShortPort(resolved);
        } else if (view.asMap(item)) {
          const target = range(view.scalar(view.get(item, 'target')?.value) ?? '');
          const hostIp = withDefaults(view.scalar(view.get(item, 'host_ip')?.value) ?? '');
          binding = target && hostIp !== undefined ? { hostIp, ...target } : undefined;
        }
        if (!binding || !isAllInterfaces(binding.hostIp)) continue;
        for (const [port, name] of Object.entries(SENSITIVE_PORTS)) {
          const number = Number(port);
          if (number < binding.low || number > binding.high) continue;
          reporter.report(service, item, {
            key: `port:${port}`,
            message: `Service \`${service.name}\` publishes ${name} (container port ${port}) on all host interfaces.`,
            fix: `"127.0.0.1:${port}:${port}"`,
          });
        }
      }
    }
    return reporter.findings;
  },
};
