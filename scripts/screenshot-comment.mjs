// Renders a PR comment to a PNG, as tall as the comment: GFM to HTML with marked, GitHub-like styles,
// headless Chromium (apt-get install chromium). Run by hand:
//   node scripts/screenshot-comment.mjs                       the demo comment from dist/ -> docs/demo-comment.png
//   node scripts/screenshot-comment.mjs COMMENT.md OUT.png    any rendered comment (e.g. from `check --format markdown`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { marked } from 'marked';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [input, output = path.join(root, 'docs/demo-comment.png')] = process.argv.slice(2);

/** The action renders the comment with links to the lines at the PR head; run it as the runner would. */
function demoComment() {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-demo-'));
  try {
    spawnSync(process.execPath, [path.join(root, 'dist/index.js')], {
      env: {
        PATH: process.env.PATH,
        GITHUB_WORKSPACE: path.join(root, 'examples/demo'),
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SHA: '4f1c0ffee'.padEnd(40, '0'),
        GITHUB_RUN_ID: '1234',
        GITHUB_WORKFLOW: 'containersec',
        GITHUB_JOB: 'gate',
        RUNNER_TEMP: temp,
      },
    });
    return readFileSync(path.join(temp, 'containersec', 'containersec.md'), 'utf8');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const markdown = input ? readFileSync(input, 'utf8') : demoComment();
const body = marked.parse(markdown, { gfm: true });
const html = `<!doctype html><meta charset="utf-8"><style>
body{font-family:"DejaVu Sans",sans-serif,"Noto Color Emoji";text-align:left;font-size:14px;line-height:1.5;color:#1f2328;margin:0;background:#fff}
.box{border:1px solid #d1d9e0;border-radius:6px;margin:16px;max-width:900px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e}
.content{padding:8px 16px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}
h3{font-size:1.25em}h4{font-size:1em;margin-top:20px}code{background:#eff1f3;border-radius:4px;padding:.1em .3em}
blockquote{margin:0;padding:0 1em;color:#59636e;border-left:.25em solid #d1d9e0}a{color:#0969da;text-decoration:none}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}li{margin:6px 0}
pre{background:#f6f8fa;border-radius:6px;padding:8px 12px;overflow:auto}pre code{background:none;padding:0}
</style><div class="box"><div class="head"><b>github-actions</b> bot commented</div><div class="content">${body}</div></div><script>document.body.dataset.height=String(document.documentElement.scrollHeight)</script>`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'containersec-shot-'));
try {
  writeFileSync(path.join(dir, 'comment.html'), html);
  const chromium = (extra) =>
    execFileSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--hide-scrollbars',
        ...extra,
        `file://${path.join(dir, 'comment.html')}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
    );
  // The whole comment, never cut: measure the page first, then shoot at that height.
  const dom = chromium(['--window-size=940,800', '--dump-dom']);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 2200) + 32;
  chromium([`--window-size=940,${height}`, `--screenshot=${output}`]);
  console.log(`wrote ${path.relative(root, output)} (${height} px high)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
