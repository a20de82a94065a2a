/** One challenge of a WWW-Authenticate header (RFC 7235): a scheme and its auth-params. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a WWW-Authenticate value, which may hold several challenges:
 *   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull", Basic realm="x"
 * Quoted strings may contain commas and backslash escapes. Unparseable input yields what was read so far.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (pattern: RegExp): void => {
    while (i < header.length && pattern.test(header[i] as string)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < header.length && TOKEN_CHAR.test(header[i] as string)) i++;
    return header.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < header.length) {
    skip(/[\s,]/);
    const start = i;
    const name = token();
    if (name.length === 0) break;
    skip(/[ \t]/);
    if (header[i] === '=' && current !== undefined) {
      i++;
      skip(/[ \t]/);
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        // Lenient: some servers leave URLs unquoted, which RFC 7235's token grammar would not allow.
        const start = i;
        while (i < header.length && !/[\s,]/.test(header[i] as string)) i++;
        value = header.slice(start, i);
      }
      current.params[name.toLowerCase()] = value;
      continue;
    }
    // A token68 after the scheme (e.g. "Negotiate abc==") is not used by registries; skip it.
    if (header[i] === '=' && current === undefined) {
      i = start + name.length + 1;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;
}
