/**
 * A test Sigstore: a Fulcio-like CA, a CT log and a Rekor log, each with keys made here. Certificates are
 * DER-encoded by hand (node:crypto cannot issue them), with the Fulcio extensions and an embedded SCT computed
 * over the precertificate exactly as RFC 6962 §3.2 says, so sigstore-js verifies them like production ones.
 */
import { createHash, sign } from 'node:crypto';
import { makeKey, type TestKey } from './support.js';

const tlv = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
};
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const octet = (content: Buffer): Buffer => tlv(0x04, content);
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text));
const bool = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0]));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));

function integer(value: number | bigint): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(text: string): Buffer {
  const arcs = text.split('.').map(Number);
  const bytes = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  return tlv(
    0x17,
    Buffer.from(
      `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
    ),
  );
}

const name = (cn: string): Buffer =>
  seq(set(seq(oid('2.5.4.10'), utf8('containersec-test'))), set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, value: Buffer, critical = false): Buffer =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octet(value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const spki = (key: TestKey): Buffer => key.publicKey.export({ type: 'spki', format: 'der' });

export const OID_SCT = '1.3.6.1.4.1.11129.2.4.2';

interface CertificateSpec {
  serial: number;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  key: TestKey;
  extensions: Buffer[];
}

function tbs(spec: CertificateSpec): Buffer {
  return seq(
    explicit(0, integer(2)),
    integer(spec.serial),
    ECDSA_SHA256,
    name(spec.issuer),
    seq(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    name(spec.subject),
    spki(spec.key),
    explicit(3, seq(...spec.extensions)),
  );
}

function certificate(tbsBytes: Buffer, issuerKey: TestKey): Buffer {
  return seq(tbsBytes, ECDSA_SHA256, bitString(sign('sha256', tbsBytes, issuerKey.privateKey)));
}

export function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface TestLog {
  key: TestKey;
  logId: Buffer;
}

function makeLog(): TestLog {
  const key = makeKey('p256');
  return { key, logId: createHash('sha256').update(spki(key)).digest() };
}

export interface TestSigstore {
  cn: string;
  caKey: TestKey;
  root: Buffer;
  ct: TestLog;
  rekor: TestLog;
  trustedRoot: Record<string, unknown>;
}

const logEntry = (log: TestLog, url: string): Record<string, unknown> => ({
  baseUrl: url,
  hashAlgorithm: 'SHA2_256',
  publicKey: {
    rawBytes: spki(log.key).toString('base64'),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor: { start: '2000-01-01T00:00:00Z' },
  },
  logId: { keyId: log.logId.toString('base64') },
});

export function makeSigstore(cn = 'test-fulcio'): TestSigstore {
  const caKey = makeKey('p256');
  const root = certificate(
    tbs({
      serial: 1,
      issuer: cn,
      subject: cn,
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2040-01-01T00:00:00Z'),
      key: caKey,
      extensions: [
        extension('2.5.29.19', seq(bool(true)), true),
        extension('2.5.29.15', tlv(0x03, Buffer.from([1, 0x06])), true),
      ],
    }),
    caKey,
  );
  const ct = makeLog();
  const rekor = makeLog();
  return {
    cn,
    caKey,
    root,
    ct,
    rekor,
    trustedRoot: {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [logEntry(rekor, 'https://rekor.test.invalid')],
      ctlogs: [logEntry(ct, 'https://ct.test.invalid')],
      certificateAuthorities: [
        {
          subject: { organization: 'containersec-test', commonName: cn },
          uri: 'https://fulcio.test.invalid',
          certChain: { certificates: [{ rawBytes: root.toString('base64') }] },
          validFor: { start: '2000-01-01T00:00:00Z' },
        },
      ],
      timestampAuthorities: [],
    },
  };
}

export interface LeafSpec {
  subject: string;
  issuer: string;
  extensions?: Record<string, string>;
  notBefore: Date;
  notAfter: Date;
  /** Leave the SCT out (a certificate no CT log has seen). */
  withoutSct?: boolean;
}

/** A Fulcio-style leaf: SAN URI or e-mail, OIDC issuer (v1 and v2 extension), optional v2 extensions, an SCT. */
export function issueLeaf(sigstore: TestSigstore, key: TestKey, spec: LeafSpec): Buffer {
  const san =
    spec.subject.includes('@') && !spec.subject.includes('://')
      ? tlv(0x81, Buffer.from(spec.subject))
      : tlv(0x86, Buffer.from(spec.subject));
  const extensions = [
    extension('2.5.29.15', tlv(0x03, Buffer.from([7, 0x80])), true),
    extension('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.3'))),
    extension('2.5.29.17', seq(san), true),
    extension('1.3.6.1.4.1.57264.1.1', Buffer.from(spec.issuer)),
    extension('1.3.6.1.4.1.57264.1.8', utf8(spec.issuer)),
    ...Object.entries(spec.extensions ?? {}).map(([id, value]) => extension(id, utf8(value))),
  ];
  const base: CertificateSpec = {
    serial: 1000 + Math.floor(Math.random() * 1e6),
    issuer: sigstore.cn,
    subject: '',
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    key,
    extensions,
  };
  if (spec.withoutSct) return certificate(tbs(base), sigstore.caKey);
  // RFC 6962 §3.2: the log signs the TBS without the SCT extension, with the issuer's key hash.
  const precertTbs = tbs(base);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(spec.notBefore.getTime() + 1000));
  const length24 = Buffer.from([precertTbs.length >> 16, (precertTbs.length >> 8) & 0xff, precertTbs.length & 0xff]);
  const issuerKeyHash = createHash('sha256').update(spki(sigstore.caKey)).digest();
  const signed = Buffer.concat([
    Buffer.from([0, 0]),
    timestamp,
    Buffer.from([0, 1]),
    issuerKeyHash,
    length24,
    precertTbs,
    Buffer.from([0, 0]),
  ]);
  const signature = sign('sha256', signed, sigstore.ct.key.privateKey);
  const sct = Buffer.concat([
    Buffer.from([0]),
    sigstore.ct.logId,
    timestamp,
    Buffer.from([0, 0]),
    Buffer.from([4, 3]),
    Buffer.from([signature.length >> 8, signature.length & 0xff]),
    signature,
  ]);
  const list = Buffer.concat([
    Buffer.from([(sct.length + 2) >> 8, (sct.length + 2) & 0xff]),
    Buffer.from([sct.length >> 8, sct.length & 0xff]),
    sct,
  ]);
  return certificate(tbs({ ...base, extensions: [...extensions, extension(OID_SCT, octet(list))] }), sigstore.caKey);
}
