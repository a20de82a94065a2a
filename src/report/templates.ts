import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The templates/ folder ships beside dist/ (action and npm package) and beside src/ (tests), so it is
 * found by walking up from this module.
 */
export function templatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'comment.md.hbs'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('templates/comment.md.hbs not found next to the containersec installation');
}
