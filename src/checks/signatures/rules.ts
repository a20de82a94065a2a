import type { RuleDefinition } from '../../core/rules.js';

const COSIGN_DOCS = 'https://docs.sigstore.dev/cosign/signing/signing_with_containers/';
const COSIGN_VERIFY_DOCS = 'https://docs.sigstore.dev/cosign/verifying/verify/';
const GITHUB_ATTEST_DOCS =
  'https://docs.github.com/en/actions/security-for-github-actions/using-artifact-attestations/using-artifact-attestations-to-establish-provenance-for-builds';

const SIGN_WITH_COSIGN =
  'Sign the image by digest in the workflow that builds it. Keyless, with GitHub OIDC:\n\n' +
  '```yaml\npermissions:\n  id-token: write\n  packages: write\nsteps:\n  - uses: sigstore/cosign-installer@v3\n' +
  '  - run: cosign sign --yes ghcr.io/acme/web@${{ steps.build.outputs.digest }}\n```\n\n' +
  'With a key pair (`cosign generate-key-pair`; commit only `cosign.pub`):\n\n' +
  '```sh\ncosign sign --key env://COSIGN_PRIVATE_KEY ghcr.io/acme/web@sha256:<digest>\n```\n\n' +
  'Then require it in `.containersec.yml`:\n\n' +
  '```yaml\nchecks:\n  signatures:\n    require:\n      - images: "ghcr.io/acme/**"\n        keyless:\n' +
  '          issuer: https://token.actions.githubusercontent.com\n' +
  '          subject-regexp: "^https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main$"\n```';

const ATTEST_WITH_GITHUB =
  "GitHub's attest action signs SLSA provenance for the pushed digest and stores it as a Sigstore bundle:\n\n" +
  '```yaml\npermissions:\n  id-token: write\n  attestations: write\n  packages: write\nsteps:\n' +
  '  - uses: actions/attest-build-provenance@v2\n    with:\n      subject-name: ghcr.io/acme/web\n' +
  '      subject-digest: ${{ steps.build.outputs.digest }}\n      push-to-registry: true\n```\n\n' +
  'With cosign: `cosign attest --yes --type slsaprovenance1 --predicate provenance.json ghcr.io/acme/web@sha256:<digest>`.';

export const unsignedRule: RuleDefinition = {
  id: 'sig/unsigned',
  check: 'signatures',
  title: 'Image has no signature',
  severity: 'high',
  description:
    'An image matched by a `signatures.require[].images` glob has no cosign signature at all: no `sha256-<hex>.sig` ' +
    'tag (cosign 2 and earlier) and no Sigstore bundle referrer with artifact type ' +
    '`application/vnd.dev.sigstore.bundle.v0.3+json` (cosign 3, GitHub attestations), neither through the referrers ' +
    'API nor through the `sha256-<hex>` referrers tag. For an OCI layout, the layout holds no signature manifest ' +
    'for the digest.',
  rationale:
    'Without a signature nothing ties the bytes you deploy to your build system. Anyone who can push to the ' +
    'registry (a leaked token, a compromised dependency of another pipeline, a typo-squatted repository) can ' +
    'replace the image, and the cluster runs it.',
  fix: SIGN_WITH_COSIGN,
  references: [COSIGN_DOCS, 'https://docs.sigstore.dev/cosign/signing/overview/'],
};

export const untrustedSignerRule: RuleDefinition = {
  id: 'sig/untrusted-signer',
  check: 'signatures',
  title: 'Signed, but not by a trusted signer',
  severity: 'high',
  description:
    'The image carries a cryptographically valid signature, but not from the key or identity the matching ' +
    '`signatures.require` rule names: another public key, another OIDC issuer, another certificate subject ' +
    '(workflow, e-mail), or Fulcio extension values (`keyless.extensions`: repository, ref, trigger…) that differ. ' +
    'The finding says who did sign. Issuers are compared exactly; with GitHub reusable workflows the subject is ' +
    'the *called* workflow, so pin the calling repository with the `source-repository-uri` extension.',
  rationale:
    'Anyone can get a valid Sigstore signature for any image: the public-good Fulcio issues certificates to every ' +
    'GitHub account and every e-mail address. A signature only means something when it comes from your build ' +
    'identity. An attacker who pushes an image signs it with their own identity; this rule is what catches it.',
  fix:
    'If the signer shown is yours, correct the policy (issuer, subject, or key path). Otherwise rebuild and sign ' +
    'the image from the trusted workflow.\n\n' +
    SIGN_WITH_COSIGN,
  references: [COSIGN_VERIFY_DOCS, 'https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md'],
};

export const invalidSignatureRule: RuleDefinition = {
  id: 'sig/invalid-signature',
  check: 'signatures',
  title: 'Signature does not verify',
  severity: 'critical',
  description:
    'A signature or attestation is attached to the image but fails verification: the signature bytes do not ' +
    'verify over the payload, the certificate does not chain to the trusted root (Sigstore public-good or ' +
    '`signatures.trusted-root`), the certificate has no valid SCT, a Rekor SET or inclusion proof does not verify, ' +
    'the Rekor entry describes another signature, or the artefact is malformed (not a simple-signing payload, a ' +
    'bundle that is not a bundle). The error code in the message says which.',
  rationale:
    'A broken signature is a tampered or forged artefact until proven otherwise: someone replaced the payload, ' +
    'grafted a certificate from another signing, or replayed a Rekor entry. It must never count as signed.',
  fix:
    'Re-sign the image from the trusted pipeline, by digest, and delete the broken signature ' +
    '(`cosign clean --type signature <image>@sha256:<digest>`). If the trusted root rotated, update containersec ' +
    '(its embedded root) or `signatures.trusted-root`.\n\n' +
    SIGN_WITH_COSIGN,
  references: [COSIGN_VERIFY_DOCS, 'https://docs.sigstore.dev/logging/overview/'],
};

export const digestMismatchRule: RuleDefinition = {
  id: 'sig/digest-mismatch',
  check: 'signatures',
  title: 'Signature is for another image digest',
  severity: 'critical',
  description:
    "A signature attached to the image verifies, but what it signs is another image: the simple-signing payload's " +
    "`critical.image.docker-manifest-digest`, or the in-toto statement's `subject[].digest.sha256`, differs from " +
    "the image's manifest digest. Sigstore libraries do not check this; containersec does.",
  rationale:
    'Copying a valid signature from a good image to a malicious one is the classic replay: the signature, the ' +
    'certificate and the Rekor entry are all genuine, only the claim does not match. Without this check any ' +
    'image can wear the signature of any other.',
  fix: 'Sign the digest you ship, not a tag (tags move between build and sign):\n\n```sh\ncosign sign --yes ghcr.io/acme/web@sha256:<digest>\n```',
  references: ['https://github.com/containers/image/blob/main/docs/containers-signature.5.md', COSIGN_VERIFY_DOCS],
};

export const untimestampedRule: RuleDefinition = {
  id: 'sig/expired-or-untimestamped',
  check: 'signatures',
  title: 'Keyless signature without a trusted time',
  severity: 'high',
  description:
    'A keyless signature (short-lived Fulcio certificate) has no transparency-log entry and no RFC 3161 timestamp, ' +
    'or the signing time is outside the certificate validity. Fulcio certificates live ten minutes, so the ' +
    'signature is only valid when a trusted clock says it was made within them.',
  rationale:
    'Without a trusted time, a certificate that expired years ago, or whose key leaked after expiry, could sign ' +
    'anything today. The Rekor entry (or a timestamp authority) is what proves the signing happened while the ' +
    'certificate was valid.',
  fix:
    'Sign with the transparency log enabled (cosign default; do not pass `--tlog-upload=false`), or with a ' +
    'timestamp authority (`--timestamp-server-url`).\n\n' +
    SIGN_WITH_COSIGN,
  references: ['https://docs.sigstore.dev/cosign/verifying/timestamps/'],
};

export const missingAttestationRule: RuleDefinition = {
  id: 'sig/missing-attestation',
  check: 'signatures',
  title: 'Required attestation missing',
  severity: 'high',
  description:
    'A `signatures.require[].attestations` entry asks for an in-toto attestation of a predicate type (SLSA ' +
    'provenance v1 or v0.2, CycloneDX or SPDX SBOM, vulnerability scan, or any predicate URI) and the image has no ' +
    'valid one from a trusted signer: none stored (legacy `.att` tag or bundle referrer), or none whose DSSE ' +
    'signature, signer and subject digest verify.',
  rationale:
    'Provenance answers "which workflow, from which commit, built this?"; an SBOM answers "what is inside?". A ' +
    'policy that requires them only works if a missing one blocks the deploy.',
  fix: ATTEST_WITH_GITHUB,
  references: [GITHUB_ATTEST_DOCS, 'https://slsa.dev/spec/v1.0/provenance', 'https://github.com/in-toto/attestation'],
};

export const provenanceMismatchRule: RuleDefinition = {
  id: 'sig/provenance-mismatch',
  check: 'signatures',
  title: 'Provenance does not match the policy',
  severity: 'high',
  description:
    'A verified SLSA provenance attestation names another builder (`runDetails.builder.id` in v1, `builder.id` in ' +
    'v0.2), another source repository or another ref than the policy pins.',
  rationale:
    'Valid provenance from the wrong builder or branch means the image was built somewhere you do not control, or ' +
    'from an unreviewed branch: exactly what provenance requirements exist to stop.',
  fix: 'Build and attest the image from the pinned repository, ref and builder.\n\n' + ATTEST_WITH_GITHUB,
  references: ['https://slsa.dev/spec/v1.0/verifying-artifacts'],
};

export const unpinnedReferenceRule: RuleDefinition = {
  id: 'sig/unpinned-reference',
  check: 'signatures',
  title: 'Image reference not pinned by digest',
  severity: 'medium',
  description:
    'An image that a `signatures.require` rule covers (or an image target) is referenced by tag only, without ' +
    '`@sha256:<digest>`: in a Kubernetes manifest, a Dockerfile `FROM`, a compose file or a workflow `container:` / ' +
    '`services:`. Whether it blocks is set by `signatures.pinned-digests` (`fail`, `warn`, `off`).',
  rationale:
    'A tag is a mutable pointer. Verifying a signature of whatever the tag points to now says nothing about what ' +
    'the cluster pulls later: after verification, the tag can be moved to an unsigned image. Only a digest makes ' +
    'the verified image the deployed image.',
  fix:
    'Pin the digest that was signed; keep the tag for humans:\n\n```yaml\nimage: ghcr.io/acme/web:1.4.2@sha256:<digest>\n```\n\n' +
    'Find it with `crane digest ghcr.io/acme/web:1.4.2` or `docker buildx imagetools inspect`. Renovate and ' +
    'Dependabot keep pinned digests up to date.',
  references: ['https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier'],
};

export const tagDigestDriftRule: RuleDefinition = {
  id: 'sig/tag-digest-drift',
  check: 'signatures',
  title: 'Tag no longer points to the pinned digest',
  severity: 'high',
  description:
    'A reference gives both a tag and a digest (`web:1.4.2@sha256:…`), and the tag now resolves to another digest ' +
    'in the registry. The digest is what gets pulled; the tag is what people read.',
  rationale:
    'Either the pin is stale (the fix you think you deploy is not the one that runs), or the tag was moved to ' +
    'other content after release, which for a release tag is a sign of tampering. Reviewers trust the tag they ' +
    'see; this rule keeps it honest.',
  fix:
    'Update the digest to what the tag points to now, after checking that image is signed, or restore the tag. ' +
    'Use immutable tags in the registry where it supports them.\n\n```yaml\nimage: ghcr.io/acme/web:1.4.2@sha256:<current digest>\n```',
};

export const signatureRules: RuleDefinition[] = [
  unsignedRule,
  untrustedSignerRule,
  invalidSignatureRule,
  digestMismatchRule,
  untimestampedRule,
  missingAttestationRule,
  provenanceMismatchRule,
  unpinnedReferenceRule,
  tagDigestDriftRule,
];
