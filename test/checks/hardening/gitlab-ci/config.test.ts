import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../../src/checks/hardening/gitlab-ci/config.js';
import type { CiModel } from '../../../../src/checks/hardening/gitlab-ci/config.js';
import { get, positionOf, stringValue } from '../../../../src/checks/hardening/gitlab-ci/located.js';
import type { LValue } from '../../../../src/checks/hardening/gitlab-ci/located.js';
import { MemoryTree, lint, places, where, yaml } from './helpers.js';

async function model(main: string, others: Record<string, string> = {}): Promise<CiModel> {
  return buildModel('.gitlab-ci.yml', main, new MemoryTree({ '.gitlab-ci.yml': main, ...others }));
}

function job(m: CiModel, name: string) {
  const found = m.jobs.find((j) => j.name === name);
  if (!found) throw new Error(`no job ${name}; jobs: ${m.jobs.map((j) => j.name).join(', ')}`);
  return found.config;
}

function at(value: LValue | undefined): string {
  if (!value) return 'missing';
  const p = positionOf(value);
  return `${p.path}:${p.line}:${p.column}`;
}

function scriptTexts(value: LValue | undefined): string[] {
  if (!value) return [];
  if (value.kind === 'scalar') return [String(value.value)];
  if (value.kind === 'seq') return value.items.flatMap(scriptTexts);
  return [];
}

describe('include: local', () => {
  it('accepts the string, list, and `local:` map forms, with leading slashes and `rules:` ignored', async () => {
    const m = await model(
      yaml(
        'include:',
        '  - ci/a.yml',
        '  - local: /ci/b.yml',
        '    rules:',
        '      - if: $NEVER == "true"',
        'own:',
        '  script: [echo own]',
      ),
      {
        'ci/a.yml': yaml('from-a:', '  script: [echo a]'),
        'ci/b.yml': yaml('from-b:', '  script: [echo b]'),
      },
    );
    expect(m.jobs.map((j) => j.name).sort()).toEqual(['from-a', 'from-b', 'own']);
    expect(at(get(job(m, 'from-b'), 'script'))).toBe('ci/b.yml:2:11');
    expect(m.problems).toEqual([]);
  });

  it('accepts a single string include and a single map include', async () => {
    const one = await model(yaml("include: 'ci/a.yml'"), { 'ci/a.yml': yaml('a:', '  script: [x]') });
    expect(one.jobs.map((j) => j.name)).toEqual(['a']);
    const map = await model(yaml('include:', '  local: ci/a.yml'), { 'ci/a.yml': yaml('a:', '  script: [x]') });
    expect(map.jobs.map((j) => j.name)).toEqual(['a']);
  });

  it('expands `*` in one folder and `**` across subfolders, like GitLab', async () => {
    const files = {
      'configs/a.yml': yaml('a:', '  script: [x]'),
      'configs/sub/b.yml': yaml('b:', '  script: [x]'),
      'configs/readme.md': 'not yaml',
    };
    const single = await model(yaml("include: 'configs/*.yml'"), files);
    expect(single.jobs.map((j) => j.name)).toEqual(['a']);
    const deep = await model(yaml("include: 'configs/**.yml'"), files);
    expect(deep.jobs.map((j) => j.name).sort()).toEqual(['a', 'b']);
    const sub = await model(yaml("include: 'configs/**/*.yml'"), files);
    expect(sub.jobs.map((j) => j.name).sort()).toEqual(['a', 'b']);
  });

  it('merges included files first, then the including file on top (deep merge)', async () => {
    const m = await model(
      yaml(
        'include: common.yml',
        'variables:',
        '  POSTGRES_USER: username',
        'test:',
        '  artifacts:',
        '    reports:',
        '      junit: rspec.xml',
      ),
      {
        'common.yml': yaml(
          'variables:',
          '  POSTGRES_USER: common_username',
          '  POSTGRES_PASSWORD: testing_password',
          'test:',
          '  script:',
          '    - rake spec',
          '  artifacts:',
          '    reports:',
          '      dotenv: deploy.env',
        ),
      },
    );
    const test = m.jobs.find((j) => j.name === 'test');
    expect(stringValue(test?.variables.get('POSTGRES_USER')?.value)).toBe('username');
    expect(at(test?.variables.get('POSTGRES_PASSWORD')?.value)).toBe('common.yml:3:22');
    const reports = get(get(test?.config, 'artifacts'), 'reports');
    expect(at(get(reports, 'junit'))).toBe('.gitlab-ci.yml:7:14');
    expect(at(get(reports, 'dotenv'))).toBe('common.yml:9:15');
  });

  it('reports a missing local include at the include line and goes on', async () => {
    const findings = await lint(yaml('include:', '  - local: ci/missing.yml', 'a:', '  script: [x]'));
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:2:12 include',
    ]);
  });

  it('reports an include cycle once, without hanging', async () => {
    const tree = {
      'ci/a.yml': yaml('include: ci/b.yml', 'a:', '  script: [a]'),
      'ci/b.yml': yaml('include:', '  - local: ci/a.yml', 'b:', '  script: [b]'),
    };
    const findings = await lint(yaml('include: ci/a.yml', 'main:', '  script: [m]'), tree);
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config ci/b.yml:2:12 include',
    ]);
    expect(findings.find((f) => f.ruleId === 'gitlab-ci/unresolvable-config')?.message).toContain(
      '.gitlab-ci.yml → ci/a.yml → ci/b.yml → ci/a.yml',
    );
    const m = await model(yaml('include: ci/a.yml', 'main:', '  script: [m]'), tree);
    expect(m.jobs.map((j) => j.name).sort()).toEqual(['a', 'b', 'main']);
  });

  it('reports a file including itself', async () => {
    const findings = await lint(yaml('include: .gitlab-ci.yml', 'a:', '  script: [x]'));
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:1:10 include',
    ]);
  });

  it('refuses paths outside the repository and paths built from variables', async () => {
    const findings = await lint(
      yaml('include:', '  - local: ../outside.yml', '  - local: $CI_PROJECT_DIR/x.yml', 'a:', '  script: [x]'),
    );
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:2:12 include',
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:3:12 include',
    ]);
  });

  it('stops after 150 included files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 160; i++) files[`ci/f${String(i).padStart(3, '0')}.yml`] = yaml(`j${i}:`, '  script: [x]');
    const m = await model(yaml("include: 'ci/*.yml'"), files);
    expect(m.jobs).toHaveLength(150);
    expect(m.problems.filter((p) => p.key === 'too-many')).toHaveLength(10);
  });

  it('lists remote, project, template and component includes without reading them', async () => {
    const tree = new MemoryTree({});
    const main = yaml(
      'include:',
      '  - https://example.com/a.yml',
      '  - project: g/p',
      '    file: /t.yml',
      '  - template: Auto-DevOps.gitlab-ci.yml',
      '  - component: gitlab.com/g/c/x@1.2.3',
    );
    const m = await buildModel('.gitlab-ci.yml', main, tree);
    expect(m.includes.map((i) => i.kind)).toEqual(['remote', 'project', 'template', 'component']);
    expect(tree.reads).toEqual([]);
  });
});

describe('parse errors', () => {
  it('locates invalid YAML in the main file', async () => {
    const findings = await lint(yaml('build:', '  script:', '    - make', '   bad: indent'));
    expect(findings.map(where)).toEqual(['hardening/parse-error .gitlab-ci.yml:4:1']);
    expect(findings[0]?.message).toContain('All mapping items must start at the same column');
  });

  it('locates invalid YAML in an included file and keeps checking the main file', async () => {
    const findings = await lint(
      yaml('include: ci/bad.yml', 'build:', '  variables:', '    CI_DEBUG_TRACE: "true"', '  script: [make]'),
      { 'ci/bad.yml': yaml('job:', '\tscript: [a]') },
    );
    expect(places(findings, 'hardening/parse-error')).toEqual(['hardening/parse-error ci/bad.yml:2:1']);
    expect(places(findings, 'gitlab-ci/debug-trace')).toEqual(['gitlab-ci/debug-trace .gitlab-ci.yml:4:21 build']);
  });

  it('reports a document that is not a mapping', async () => {
    const findings = await lint(yaml('- just', '- a list'));
    expect(findings.map(where)).toEqual(['hardening/parse-error .gitlab-ci.yml:1:1']);
  });

  it('refuses an alias bomb instead of expanding it', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 120; i++) {
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    const findings = await lint(yaml(...lines));
    expect(findings.map((f) => f.ruleId)).toEqual(['hardening/parse-error']);
    expect(findings[0]?.message).toContain('aliases');
  });

  it('refuses hostile nesting before the parser recurses, at the offending place', async () => {
    const flow = await lint('a: ' + '['.repeat(100_000));
    expect(flow.map(where)).toEqual(['hardening/parse-error .gitlab-ci.yml:1:132']);
    expect(flow[0]?.message).toContain('flow collections nest deeper than 128 levels');
    const indented = 'x:\n' + Array.from({ length: 300 }, (_, i) => ' '.repeat(i + 1) + 'k:').join('\n');
    expect((await lint(indented)).map(where)).toEqual(['hardening/parse-error .gitlab-ci.yml:258:1']);
    const compact = await lint('a:\n' + '- '.repeat(20_000) + 'x');
    expect(compact.map(where)).toEqual(['hardening/parse-error .gitlab-ci.yml:2:1']);
  });

  it('still parses the deepest nesting it allows', async () => {
    const deep =
      'x:\n' +
      Array.from({ length: 250 }, (_, i) => ' '.repeat(i + 1) + 'k:').join('\n') +
      ' ' +
      '['.repeat(120) +
      ']'.repeat(120);
    expect(await lint(deep)).toEqual([]);
  });

  it('parses `!reference` tags and a `spec:` header document', async () => {
    const findings = await lint(
      yaml(
        'spec:',
        '  inputs:',
        '    stage:',
        '      default: test',
        '---',
        '.s:',
        '  script: [echo]',
        'j:',
        '  script: !reference [.s, script]',
      ),
    );
    expect(findings).toEqual([]);
  });
});

describe('extends', () => {
  it('merges a multi-level chain: closest wins, maps deep-merge, arrays replace, null removes', async () => {
    const m = await model(
      yaml(
        '.base:',
        '  image: ruby:3.0',
        '  variables:',
        '    A: base-a',
        '    B: base-b',
        '  script: [base]',
        '  tags: [docker]',
        '.middle:',
        '  extends: .base',
        '  variables:',
        '    B: middle-b',
        '  tags: null',
        'job:',
        '  extends: .middle',
        '  script: [own]',
      ),
    );
    const config = job(m, 'job');
    expect(at(get(config, 'image'))).toBe('.gitlab-ci.yml:2:10');
    expect(scriptTexts(get(config, 'script'))).toEqual(['own']);
    expect(stringValue(get(get(config, 'variables'), 'A'))).toBe('base-a');
    expect(at(get(get(config, 'variables'), 'B'))).toBe('.gitlab-ci.yml:11:8');
    expect(get(config, 'tags')).toMatchObject({ kind: 'scalar', value: null });
    expect(get(config, 'extends')).toBeUndefined();
  });

  it('applies a list of parents in order, the last one winning (GitLab docs example)', async () => {
    const m = await model(
      yaml(
        '.only-important:',
        '  variables:',
        '    URL: "http://my-url.internal"',
        '    IMPORTANT_VAR: "the details"',
        '  tags: [production]',
        '  script: [echo "Hello world!"]',
        '.in-docker:',
        '  variables:',
        '    URL: "http://docker-url.internal"',
        '  tags: [docker]',
        '  image: alpine',
        'rspec:',
        '  variables:',
        '    GITLAB: "is-awesome"',
        '  extends:',
        '    - .only-important',
        '    - .in-docker',
        '  script: [rake rspec]',
      ),
    );
    const config = job(m, 'rspec');
    const variables = get(config, 'variables');
    expect(stringValue(get(variables, 'URL'))).toBe('http://docker-url.internal');
    expect(stringValue(get(variables, 'IMPORTANT_VAR'))).toBe('the details');
    expect(stringValue(get(variables, 'GITLAB'))).toBe('is-awesome');
    expect(scriptTexts(get(config, 'tags'))).toEqual(['docker']);
    expect(scriptTexts(get(config, 'script'))).toEqual(['rake rspec']);
  });

  it('extends a template defined in an included file', async () => {
    const m = await model(yaml('include: ci/t.yml', 'use:', '  extends: .template'), {
      'ci/t.yml': yaml('.template:', '  script:', '    - echo Hello!'),
    });
    expect(at(get(job(m, 'use'), 'script'))).toBe('ci/t.yml:3:5');
  });

  it('reports an unknown parent as info when an unfetched include may define it', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - template: Auto-DevOps.gitlab-ci.yml',
        'review:',
        '  extends: .auto-deploy',
        '  script: [x]',
      ),
    );
    const unknown = findings.filter((f) => f.ruleId === 'gitlab-ci/unresolvable-config');
    expect(unknown.map(where)).toEqual(['gitlab-ci/unresolvable-config .gitlab-ci.yml:4:12 review']);
    expect(unknown[0]?.severity).toBe('info');
    expect(unknown[0]?.message).toContain('template: Auto-DevOps.gitlab-ci.yml');
  });

  it('reports unknown parents, cycles and chains deeper than 11 levels', async () => {
    const deep = ['.l0:', '  script: [x]'];
    for (let i = 1; i <= 12; i++) deep.push(`.l${i}:`, `  extends: .l${i - 1}`);
    const findings = await lint(
      yaml(
        'unknown:',
        '  extends: .nowhere',
        '  script: [x]',
        '.a:',
        '  extends: .b',
        '.b:',
        '  extends: .a',
        'loop:',
        '  extends: .a',
        'deep:',
        '  extends: .l12',
        ...deep,
      ),
    );
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:17:12 .l2',
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:2:12 unknown',
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:7:12 .b',
    ]);
    expect(findings.every((f) => f.severity === 'medium')).toBe(true);
  });
});

describe('!reference', () => {
  it('resolves references into included files, keeping the referenced location', async () => {
    const m = await model(
      yaml(
        'include:',
        '  - local: configs.yml',
        '.teardown:',
        '  after_script:',
        '    - echo deleting environment',
        'test:',
        '  script:',
        '    - !reference [.setup, script]',
        '    - echo running my own command',
        '  after_script:',
        '    - !reference [.teardown, after_script]',
      ),
      { 'configs.yml': yaml('.setup:', '  script:', '    - echo creating environment') },
    );
    const config = job(m, 'test');
    expect(scriptTexts(get(config, 'script'))).toEqual(['echo creating environment', 'echo running my own command']);
    const script = get(config, 'script');
    // The reference inserts the referenced list (GitLab flattens it when running the script).
    const inserted = script?.kind === 'seq' ? script.items[0] : undefined;
    expect(inserted?.kind === 'seq' && at(inserted.items[0])).toBe('configs.yml:3:7');
    expect(scriptTexts(get(config, 'after_script'))).toEqual(['echo deleting environment']);
  });

  it('resolves nested references and references to a single variable', async () => {
    const m = await model(
      yaml(
        '.snippets:',
        '  one:',
        '    - echo "ONE!"',
        '  two:',
        '    - !reference [.snippets, one]',
        '    - echo "TWO!"',
        '.vars:',
        '  variables:',
        '    IMPORTANT_VAR: "the details"',
        'nested:',
        '  variables:',
        '    MY_VAR: !reference [.vars, variables, IMPORTANT_VAR]',
        '  script:',
        '    - !reference [.snippets, two]',
      ),
    );
    const nested = m.jobs.find((j) => j.name === 'nested');
    expect(scriptTexts(get(nested?.config, 'script'))).toEqual(['echo "ONE!"', 'echo "TWO!"']);
    expect(at(nested?.variables.get('MY_VAR')?.value)).toBe('.gitlab-ci.yml:9:20');
  });

  it('resolves against the extended template', async () => {
    const m = await model(
      yaml(
        '.base:',
        '  script: [from-base]',
        '.child:',
        '  extends: .base',
        'j:',
        '  script: !reference [.child, script]',
      ),
    );
    expect(scriptTexts(get(job(m, 'j'), 'script'))).toEqual(['from-base']);
  });

  it('resolves a large pipeline (1500 jobs with templates and references) completely', async () => {
    const lines = [
      '.base:',
      '  image: ruby:3.3',
      '  variables: {A: a, B: b, C: c}',
      '  before_script: [bundle install, echo ready]',
    ];
    for (let i = 0; i < 1500; i++) {
      lines.push(
        `job-${i}:`,
        '  extends: .base',
        '  script:',
        '    - !reference [.base, before_script]',
        `    - rake test:${i}`,
      );
    }
    const m = await model(yaml(...lines));
    expect(m.jobs).toHaveLength(1500);
    expect(m.problems).toEqual([]);
    expect(scriptTexts(get(job(m, 'job-1499'), 'script'))).toEqual(['bundle install', 'echo ready', 'rake test:1499']);
  });

  it('stops resolving a reference fan-out bomb and says so', async () => {
    const lines = ['.s:', '  l0: [x]'];
    for (let i = 1; i <= 9; i++) {
      lines.push(`  l${i}: [${Array.from({ length: 12 }, () => `!reference [.s, l${i - 1}]`).join(', ')}]`);
    }
    lines.push('j:', '  script: !reference [.s, l9]');
    const findings = await lint(yaml(...lines));
    const tooLarge = findings.filter((f) => f.message.includes('expands to more than 1000000 values'));
    expect(tooLarge).toHaveLength(1);
  });

  it('reports references to nothing and reference cycles', async () => {
    const findings = await lint(
      yaml(
        '.loop:',
        '  a: !reference [.loop, b]',
        '  b: !reference [.loop, a]',
        'j:',
        '  script:',
        '    - !reference [.missing, script]',
        '    - !reference [.loop, a]',
      ),
    );
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:3:6 .loop',
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:6:7 j',
    ]);
  });
});

describe('anchors, merge keys, hidden jobs and defaults', () => {
  it('applies YAML merge keys with explicit keys winning, and keeps the anchor location', async () => {
    const m = await model(
      yaml(
        '.job_template: &job_configuration',
        '  image: ruby:2.6',
        '  services:',
        '    - postgres',
        'test1:',
        '  <<: *job_configuration',
        '  image: ruby:3.3',
        '  script:',
        '    - test1 project',
      ),
    );
    const config = job(m, 'test1');
    expect(stringValue(get(config, 'image'))).toBe('ruby:3.3');
    expect(at(get(config, 'services'))).toBe('.gitlab-ci.yml:4:5');
    expect(m.jobs.map((j) => j.name)).toEqual(['test1']);
  });

  it('applies `default:` keywords a job lacks, honours `inherit:default`, and never default variables', async () => {
    const m = await model(
      yaml(
        'default:',
        '  image: ruby:3.0',
        '  retry: 2',
        '  services: [redis]',
        'a:',
        '  script: [x]',
        'b:',
        '  image: ruby:2.7',
        '  script: [x]',
        'c:',
        '  inherit:',
        '    default: false',
        '  script: [x]',
        'd:',
        '  inherit:',
        '    default: [retry]',
        '  script: [x]',
      ),
    );
    expect(at(get(job(m, 'a'), 'image'))).toBe('.gitlab-ci.yml:2:10');
    expect(at(get(job(m, 'b'), 'image'))).toBe('.gitlab-ci.yml:8:10');
    expect(get(job(m, 'c'), 'image')).toBeUndefined();
    expect(get(job(m, 'd'), 'image')).toBeUndefined();
    expect(stringValue(get(job(m, 'd'), 'retry'))).toBe('2');
  });

  it('inherits global variables unless `inherit:variables` says otherwise', async () => {
    const m = await model(
      yaml(
        'variables:',
        '  ONE: "1"',
        '  TWO: "2"',
        'all:',
        '  script: [x]',
        'none:',
        '  inherit:',
        '    variables: false',
        '  script: [x]',
        'some:',
        '  inherit:',
        '    variables: [TWO]',
        '  variables:',
        '    OWN: own',
        '  script: [x]',
      ),
    );
    const names = (name: string) => [...(m.jobs.find((j) => j.name === name)?.variables.keys() ?? [])].sort();
    expect(names('all')).toEqual(['ONE', 'TWO']);
    expect(names('none')).toEqual([]);
    expect(names('some')).toEqual(['OWN', 'TWO']);
  });

  it('treats hidden jobs and global keywords as non-jobs', async () => {
    const m = await model(
      yaml(
        'stages: [build]',
        'workflow:',
        '  rules: [{when: always}]',
        '.hidden:',
        '  script: [x]',
        'real:',
        '  script: [x]',
      ),
    );
    expect(m.jobs.map((j) => j.name)).toEqual(['real']);
  });
});
