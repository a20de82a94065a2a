import type { RawFinding } from '../../core/finding.js';
import type { ImageConfig } from '../../oci/image.js';
import { detectConfigSecrets } from './secrets.js';

/** Findings from the image config: user, secrets in Env/labels/history, exposed SSH, healthcheck. */
export interface ConfigContext {
  image: string;
  config: ImageConfig;
  /** Layer digests in order, to point history entries at the layer they made. */
  layers: readonly string[];
  /** uid of a user name, from the image's /etc/passwd (undefined when unknown). */
  uidOf: (name: string) => number | undefined;
  secrets: boolean;
}

/** Is the configured `User` root? Empty means root; `name[:group]` is resolved through /etc/passwd. */
export function runsAsRoot(user: string | undefined, uidOf: (name: string) => number | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0] ?? '';
  if (name === '' || name === 'root') return true;
  if (/^\d+$/.test(name)) return Number(name) === 0;
  return uidOf(name) === 0;
}

export function configFindings(context: ConfigContext): RawFinding[] {
  const { image, config } = context;
  const c = config.config;
  const findings: RawFinding[] = [];
  const at = { image };

  if (runsAsRoot(c.User, context.uidOf)) {
    const user = (c.User ?? '').trim();
    findings.push({
      ruleId: 'image/runs-as-root',
      severity: 'medium',
      title: 'Image runs as root',
      message:
        user === ''
          ? 'The image config sets no User, so the container process runs as root (uid 0) unless the runtime overrides it.'
          : `The image config sets User "${user.slice(0, 60)}", which is root (uid 0).`,
      location: at,
      key: 'user',
      fix: 'add a non-root user and `USER 10001` (a numeric uid) at the end of the Dockerfile',
    });
  }

  const ports = Object.keys(c.ExposedPorts ?? {});
  if (ports.some((p) => /^22(?:\/tcp)?$/i.test(p.trim()))) {
    findings.push({
      ruleId: 'image/exposes-ssh',
      severity: 'medium',
      title: 'Image exposes SSH (port 22)',
      message: 'The image config exposes port 22: an SSH daemon in a container is an extra, long-lived way in.',
      location: at,
      key: 'port-22',
      fix: 'remove `EXPOSE 22` and the SSH server; use `kubectl exec` / `docker exec` for debugging',
    });
  }

  const test = c.Healthcheck?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') {
    findings.push({
      ruleId: 'image/no-healthcheck',
      severity: 'low',
      title: 'Image has no HEALTHCHECK',
      message:
        test[0] === 'NONE'
          ? 'The image config disables the health check (HEALTHCHECK NONE).'
          : 'The image config has no HEALTHCHECK, so plain Docker and compose cannot tell a hung container from a healthy one.',
      location: at,
      key: 'healthcheck',
      fix: 'add `HEALTHCHECK CMD ["/app/healthcheck"]` (or rely on Kubernetes probes and except this rule)',
    });
  }

  if (context.secrets) findings.push(...configSecretFindings(context));
  return findings;
}

function configSecretFindings(context: ConfigContext): RawFinding[] {
  const { image, config } = context;
  const findings: RawFinding[] = [];
  const report = (where: string, key: string, text: string, layer?: string) => {
    for (const hit of detectConfigSecrets(text)) {
      findings.push({
        ruleId: 'image/secret-in-config',
        severity: 'high',
        title: `${hit.description} in the image ${where}`,
        message: `The image ${where} holds a ${hit.description} (${hit.excerpt}). Anyone who can pull the image can read it with \`docker inspect\` or \`docker history\`.`,
        location: { image, ...(layer ? { layer } : {}) },
        key: `${key}:${hit.kind}:${hit.excerpt.split('=')[0]}`,
        fix: 'rotate the credential now, then pass it at run time (a mounted secret) or at build time with `RUN --mount=type=secret`',
      });
    }
  };
  for (const entry of config.config.Env ?? []) report(`Env (${entry.split('=')[0]?.slice(0, 60)})`, 'env', entry);
  for (const [name, value] of Object.entries(config.config.Labels ?? {}))
    report(`label ${name.slice(0, 60)}`, `label:${name}`, `${name}=${value}`);
  let layerIndex = 0;
  config.history.forEach((entry, i) => {
    const layer = entry.empty_layer ? undefined : context.layers[layerIndex++];
    if (entry.created_by) report(`history (step ${i + 1}, created_by)`, `history:${i}`, entry.created_by, layer);
  });
  return findings;
}
