/**
 * `${VAR}` in policy targets is read from the CI job's environment. An undefined variable is an error that
 * names it: scanning `ghcr.io/acme/web:` instead of the intended tag would pass the gate on the wrong image.
 */
export function expandTarget(
  target: string,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; value: string } | { ok: false; error: string } {
  const missing: string[] = [];
  const value = target.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') {
      missing.push(name);
      return '';
    }
    return v;
  });
  if (missing.length > 0) {
    return {
      ok: false,
      error: `image target "${target}" uses \${${missing.join('}, ${')}}, which ${missing.length === 1 ? 'is' : 'are'} not set in the environment; set it or pass the image with --image`,
    };
  }
  return { ok: true, value };
}

/** `ref@digest`, unless the reference already names that digest. */
export function imageLabel(reference: string, digest: string | undefined): string {
  if (!digest || reference.includes(`@${digest}`)) return reference;
  return `${reference}@${digest}`;
}
