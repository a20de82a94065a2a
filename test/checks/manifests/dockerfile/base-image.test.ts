import { describe, expect, it } from 'vitest';
import { DIGEST, dockerfile, locations, ofRule } from './helpers.js';

const LATEST = 'dockerfile/base-image-latest';
const NO_DIGEST = 'dockerfile/base-image-no-digest';

describe('dockerfile/base-image-latest', () => {
  it('reports latest and untagged images at the image token', () => {
    expect(locations(dockerfile('FROM ubuntu'), LATEST)).toEqual(['1:6']);
    expect(
      locations(dockerfile('FROM --platform=$BUILDPLATFORM docker.io/library/ubuntu:latest AS b'), LATEST),
    ).toEqual(['1:32']);
    expect(locations(dockerfile('FROM localhost:5000/team/app'), LATEST)).toEqual(['1:6']);
    expect(ofRule(dockerfile('FROM ubuntu'), LATEST)[0]).toMatchObject({ severity: 'medium', key: 'ubuntu' });
  });

  it('resolves ARG defaults declared before the first FROM', () => {
    const text = dockerfile('ARG IMAGE=node', 'ARG VERSION=latest', 'FROM ${IMAGE}:${VERSION}');
    expect(locations(text, LATEST)).toEqual(['3:6']);
    expect(ofRule(text, LATEST)[0]!.message).toContain('`node:latest`');
    expect(locations(dockerfile('ARG V', 'FROM node:${V:-latest}'), LATEST)).toEqual(['2:6']);
  });

  it('skips scratch, earlier stages, digests and images depending on an unset ARG', () => {
    expect(locations(dockerfile('FROM scratch'), LATEST)).toEqual([]);
    expect(locations(dockerfile(`FROM node:20@${DIGEST} AS deps`, 'FROM deps', 'FROM DEPS'), LATEST)).toEqual([]);
    expect(locations(dockerfile(`FROM ubuntu@${DIGEST}`), LATEST)).toEqual([]);
    expect(locations(dockerfile('ARG BASE', 'FROM ${BASE}'), LATEST)).toEqual([]);
  });
});

describe('dockerfile/base-image-no-digest', () => {
  it('reports a tag without digest in every stage', () => {
    const text = dockerfile('FROM golang:1.23 AS build', 'RUN go build', 'FROM gcr.io/distroless/static:nonroot');
    expect(locations(text, NO_DIGEST)).toEqual(['1:6', '3:6']);
    expect(ofRule(text, NO_DIGEST).map((finding) => finding.location)).toMatchObject([
      { object: 'stage/build' },
      { object: 'stage/1' },
    ]);
    expect(ofRule(text, NO_DIGEST)[0]!.severity).toBe('low');
  });

  it('accepts digests (with or without tag) and leaves latest to the other rule', () => {
    expect(locations(dockerfile(`FROM golang:1.23@${DIGEST}`, `FROM golang@${DIGEST}`), NO_DIGEST)).toEqual([]);
    expect(locations(dockerfile('FROM golang:latest', 'FROM golang'), NO_DIGEST)).toEqual([]);
  });
});
