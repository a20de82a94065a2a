import { describe, expect, it } from 'vitest';
import type { FileLocation } from '../../../../src/core/finding.js';
import {
  MAX_WORKFLOW_BYTES,
  isActionPath,
  isWorkflowPath,
  loadWorkflow,
} from '../../../../src/checks/hardening/github-actions/model.js';
import type { WorkflowModel } from '../../../../src/checks/hardening/github-actions/model.js';
import { at, lint, yaml } from './helpers.js';

function model(text: string, path = '.github/workflows/ci.yml'): WorkflowModel {
  const loaded = loadWorkflow(path, text);
  if (loaded.kind !== 'model') throw new Error(`expected a model, got ${loaded.kind}`);
  return loaded.model;
}

const JOBS = ['jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo'];

describe('paths', () => {
  it('matches workflows and actions only where GitHub reads them', () => {
    expect(isWorkflowPath('.github/workflows/ci.yml')).toBe(true);
    expect(isWorkflowPath('.github/workflows/ci.yaml')).toBe(true);
    expect(isWorkflowPath('sub/.github/workflows/ci.yml')).toBe(true);
    expect(isWorkflowPath('.github/workflows/nested/ci.yml')).toBe(false);
    expect(isWorkflowPath('.github/workflows/README.md')).toBe(false);
    expect(isActionPath('action.yml')).toBe(true);
    expect(isActionPath('.github/actions/setup/action.yaml')).toBe(true);
    expect(isActionPath('my-action.yml')).toBe(false);
  });
});

describe('triggers', () => {
  it('reads on: as a string, a list and a map', () => {
    expect(model(yaml('on: push', ...JOBS)).triggers.map((t) => t.name)).toEqual(['push']);
    expect(model(yaml('on: [push, pull_request_target]', ...JOBS)).triggers.map((t) => t.name)).toEqual([
      'push',
      'pull_request_target',
    ]);
    const map = model(yaml('on:', '  push:', '    tags: [v*]', '  workflow_run:', ...JOBS));
    expect(map.triggers.map((t) => t.name)).toEqual(['push', 'workflow_run']);
    expect(map.triggers[0]?.config).toBeDefined();
  });

  it('keeps `on` a string key under the YAML 1.2 core schema', () => {
    const m = model(yaml('on: pull_request_target', ...JOBS));
    expect(m.on?.key).toBe('on');
  });

  it('still finds the trigger when a %YAML 1.1 directive makes `on` the boolean true', () => {
    const m = model(yaml('%YAML 1.1', '---', 'on: pull_request_target', ...JOBS));
    expect(m.triggers.map((t) => t.name)).toEqual(['pull_request_target']);
  });

  it('reads typed inputs of workflow_dispatch and workflow_call', () => {
    const m = model(
      yaml(
        'on:',
        '  workflow_dispatch:',
        '    inputs:',
        '      name: {}',
        '      debug: { type: boolean }',
        '  workflow_call:',
        '    inputs:',
        '      debug: { type: string }',
        '      count: { type: number }',
        ...JOBS,
      ),
    );
    expect(Object.fromEntries(m.inputs)).toEqual({ name: 'string', debug: 'string', count: 'number' });
  });
});

describe('structure', () => {
  it('follows YAML anchors and aliases', () => {
    const m = model(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps: &steps',
        '      - uses: actions/checkout@v4',
        '      - run: make',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps: *steps',
      ),
    );
    expect(m.jobs.map((j) => j.steps.length)).toEqual([2, 2]);
    expect(m.jobs[1]?.steps[0]?.uses?.value).toBe('actions/checkout@v4');
  });

  // zizmor anchors/basic and flow-mapping-step, rewritten: every audit sees aliased values, at the alias.
  it('expands aliases so each use is its own node, positioned at the alias', () => {
    const findings = lint(
      yaml(
        'on: issues',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: &run echo "${{ github.event.issue.title }}"',
        '      - run: *run',
        '      - &setup { uses: "actions/setup-node@v4", with: { node-version: 22 } }',
        '      - *setup',
      ),
    );
    expect(at(findings, 'gha/template-injection')).toEqual(['7:25', '8:14']);
    expect(at(findings, 'gha/unpinned-uses')).toEqual(['9:24', '10:9']);
  });

  // zizmor parallel-steps/basic, rewritten: steps of a `parallel:` group are steps of the job.
  it('reads the steps of a parallel group', () => {
    const findings = lint(
      yaml(
        'on: issues',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: make',
        '      - parallel:',
        '          - run: echo "${{ github.event.issue.title }}"',
        '          - uses: actions/checkout@v4',
      ),
    );
    expect(at(findings, 'gha/template-injection')).toEqual(['9:24']);
    expect(at(findings, 'gha/unpinned-uses')).toEqual(['10:19']);
  });

  it('reads composite and Docker actions and skips other action kinds', () => {
    const composite = model(
      yaml(
        'name: x',
        'inputs:',
        '  who: {}',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - run: echo hi',
        '      shell: bash',
      ),
      'action.yml',
    );
    expect(composite.kind).toBe('action');
    expect(composite.jobs[0]?.steps[0]?.run?.value).toBe('echo hi');
    expect(composite.inputs.get('who')).toBe('string');
    expect(loadWorkflow('action.yml', yaml('runs:', '  using: node20', '  main: index.js')).kind).toBe('skip');
    // Docker actions are read for their `runs.image` only.
    const docker = model(yaml('runs:', '  using: docker', '  image: docker://alpine:3'), 'action.yml');
    expect(docker.jobs).toEqual([]);
    expect(docker.actionImage?.value).toBe('docker://alpine:3');
  });

  it('skips YAML that is not a workflow', () => {
    expect(loadWorkflow('.github/workflows/x.yml', yaml('name: just data', 'on: push'))).toEqual({ kind: 'skip' });
    expect(loadWorkflow('.github/workflows/x.yml', yaml('- a', '- b'))).toEqual({ kind: 'skip' });
    expect(loadWorkflow('.github/workflows/x.yml', '')).toEqual({ kind: 'skip' });
    expect(loadWorkflow('.github/workflows/x.yml', yaml('jobs: 3'))).toEqual({ kind: 'skip' });
    expect(lint(yaml('name: just data'))).toEqual([]);
  });
});

describe('bad input', () => {
  it('reports invalid YAML at the error position and never throws', () => {
    const findings = lint(yaml('on: push', 'jobs:', '  a:', '    steps: [unclosed', '  b: x'));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.ruleId).toBe('hardening/parse-error');
    expect((findings[0]?.location as FileLocation).startLine).toBeGreaterThanOrEqual(4);
  });

  it('reports a tab-indented file', () => {
    const findings = lint('on: push\njobs:\n\ta:\n\t\truns-on: x\n');
    expect(findings.map((f) => f.ruleId)).toEqual(['hardening/parse-error']);
  });

  it('reports files that are too large without parsing them', () => {
    const findings = lint(`# ${'x'.repeat(MAX_WORKFLOW_BYTES)}\n`);
    expect(findings.map((f) => f.ruleId)).toEqual(['hardening/parse-error']);
    expect(at(findings, 'hardening/parse-error')).toEqual(['1:1']);
  });

  it('reports an expression that does not parse at its ${{', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          echo ok',
        '          echo ${{ foo( }}',
      ),
    );
    expect(at(findings, 'hardening/parse-error')).toEqual(['8:16']);
  });

  it('reports an unterminated expression', () => {
    const findings = lint(
      yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo ${{ github.sha'),
    );
    expect(at(findings, 'hardening/parse-error')).toEqual(['6:19']);
  });

  it('survives an alias bomb without expanding it', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    env: { X: *g }',
      '    steps:',
      '      - run: echo ${{ toJSON(secrets) }}',
    ];
    const findings = lint(yaml(...bomb));
    expect(at(findings, 'gha/overprovisioned-secrets')).toEqual(['14:19']);
  });

  it('survives binary garbage and deeply nested flow collections', () => {
    expect(() => lint('\u0000\u0001\uffff: [}')).not.toThrow();
    expect(() => lint(`on: push\njobs: ${'['.repeat(2000)}`)).not.toThrow();
  });

  it('reports keys written twice, which GitHub rejects', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: make test',
        '        run: curl -s https://x | sh',
      ),
    );
    expect(at(findings, 'hardening/parse-error')).toEqual(['7:9']);
    expect(findings.find((f) => f.ruleId === 'hardening/parse-error')!.message).toContain('`run` is defined twice');
  });
});
