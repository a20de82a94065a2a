/** What `containersec init` writes: the recommended policy, every key commented. */
export const SCHEMA_URL =
  'https://raw.githubusercontent.com/containersec/containersec/main/schema/containersec.schema.json';

export const STARTER_POLICY = `# yaml-language-server: $schema=${SCHEMA_URL}
# containersec policy. Reference: docs/policy.md. Rule docs: \`containersec explain <rule-id>\`.
version: 1

# Start from a built-in preset: recommended | strict | audit (report only, never blocks).
extends: recommended

# A check that cannot finish fails the gate (fail closed). Use "warn" to only report it.
on-error: fail

gate:
  # Block only on findings this pull/merge request introduces; existing ones are listed, not blocking.
  new-only: true

checks:
  # CI definitions (.github/workflows, composite actions, .gitlab-ci.yml) and the runner itself.
  hardening:
    fail-on: high
    # Action owners that may be referenced by tag instead of a full commit SHA.
    allowed-unpinned: ["actions/*", "github/*"]

  # Kubernetes YAML, Dockerfiles and compose files.
  manifests:
    fail-on: high
    pod-security: { level: restricted, version: latest }
    # paths: ["deploy/**", "**/Dockerfile*", "**/*compose*.y*ml"]
    # Helm charts and kustomizations are rendered with helm / kubectl (or kustomize) from PATH and their
    # output is linted; see docs/rendering.md.
    # helm:
    #   charts:
    #     - path: deploy/chart
    #       values: [deploy/chart/values-prod.yaml]
    # kustomize: { enabled: true }

  # Container images: vulnerabilities, end of life, secrets, configuration.
  images:
    # targets: ["ghcr.io/acme/web:\${GITHUB_SHA}"]
    vulnerabilities: { fail-on: critical, ignore-unfixed: true }
    eol: fail
    secrets: fail

  # Signatures and digest pinning.
  signatures:
    pinned-digests: warn
    # require:
    #   - images: "ghcr.io/acme/**"
    #     keyless:
    #       issuer: https://token.actions.githubusercontent.com
    #       subject-regexp: "^https://github.com/acme/.+/.github/workflows/release.yml@refs/heads/main$"

# Accepted findings. A reason is mandatory; after \`expires\` the finding blocks again.
exceptions: []
#  - rule: k8s/image-unpinned
#    paths: ["deploy/legacy/**"]
#    reason: "legacy chart, replaced in Q1"
#    owner: "@acme/platform"
#    expires: 2027-01-31

report:
  comment: update   # update | new | off
`;
