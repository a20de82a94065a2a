// Generated from schema/containersec.schema.json by `npm run docs`; do not edit.
// @ts-nocheck
/* eslint-disable */
"use strict";
export const validate = validate10;
export default validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://containersec.dev/schema/containersec.schema.json","title":"containersec policy (.containersec.yml)","description":"Policy for the containersec gate: which checks run, what blocks a merge, and which findings are excepted.","type":"object","additionalProperties":false,"required":["version"],"properties":{"$schema":{"type":"string"},"version":{"description":"Policy format version. Always 1.","const":1},"extends":{"description":"Built-in preset (recommended, strict, audit) or a repository-relative policy file this one builds on. Later entries win.","oneOf":[{"$ref":"#/definitions/extendsEntry"},{"type":"array","items":{"$ref":"#/definitions/extendsEntry"}}]},"mode":{"description":"enforce: a failing gate blocks the merge. audit: report only, never block.","enum":["enforce","audit"]},"on-error":{"$ref":"#/definitions/onError"},"gate":{"type":"object","additionalProperties":false,"properties":{"new-only":{"description":"Block only on findings this change introduces (needs a base revision: the PR/MR base, or --base).","type":"boolean"}}},"checks":{"type":"object","additionalProperties":false,"properties":{"hardening":{"$ref":"#/definitions/hardening"},"manifests":{"$ref":"#/definitions/manifests"},"images":{"$ref":"#/definitions/images"},"signatures":{"$ref":"#/definitions/signatures"}}},"exceptions":{"description":"Findings that are accepted, with a reason and optionally an expiry date.","type":"array","items":{"$ref":"#/definitions/exception"}},"report":{"type":"object","additionalProperties":false,"properties":{"comment":{"description":"update: one comment updated in place. new: a new comment per run. off: no comment.","enum":["update","new","off"]},"template":{"description":"Repository-relative Handlebars template that replaces templates/comment.md.hbs.","type":"string","minLength":1}}}},"definitions":{"extendsEntry":{"type":"string","minLength":1,"description":"recommended | strict | audit, or a repository-relative path to another policy file."},"onError":{"description":"fail: a check that errors fails the gate (fail closed). warn: it only warns.","enum":["fail","warn"]},"threshold":{"description":"Lowest severity that blocks the merge; none never blocks.","enum":["critical","high","medium","low","info","none"]},"switch":{"enum":["fail","warn","off"]},"globs":{"type":"array","items":{"type":"string","minLength":1}},"date":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$","description":"An ISO date, YYYY-MM-DD."},"hardening":{"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"allowed-unpinned":{"description":"Action owners or owner/repo globs that may be referenced by tag instead of a commit SHA, e.g. actions/*. Shorthand for ref-pin in unpinned-uses.","$ref":"#/definitions/globs"},"unpinned-uses":{"description":"How actions and reusable workflows must be pinned, per pattern (as zizmor's unpinned-uses policies): owner/repo/path, owner/repo, owner/* or *; the most specific pattern wins. hash-pin: a full commit SHA. ref-pin: any tag, branch or SHA. any: not checked.","type":"object","propertyNames":{"pattern":"^(\\*|[A-Za-z0-9_.-]+/\\*|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\\s*]+)?)$"},"additionalProperties":{"enum":["hash-pin","ref-pin","any"]}},"runner-probe":{"description":"Inspect the CI runner itself when running in CI.","type":"boolean"}}},"manifests":{"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"pod-security":{"type":"object","additionalProperties":false,"properties":{"level":{"enum":["privileged","baseline","restricted"]},"version":{"description":"latest, or a Kubernetes minor version such as \"1.30\" (quote it).","type":"string","pattern":"^(latest|1\\.[0-9]+)$"}}},"untrusted":{"description":"Workloads (Kind/name or namespace/Kind/name globs) that must set a sandboxed runtimeClassName.","$ref":"#/definitions/globs"}}},"images":{"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"targets":{"description":"Images to scan: oci:PATH[:TAG], oci-archive:PATH, docker-archive:PATH, dir:PATH, sbom:PATH or REGISTRY/REPO[:TAG][@sha256:…]; or trivy:REPORT.json / grype:REPORT.json to gate a scanner's findings. Relative paths resolve against the repository root. ${VAR} is read from the environment.","type":"array","items":{"type":"string","minLength":1}},"platform":{"type":"string","pattern":"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"},"vulnerabilities":{"type":"object","additionalProperties":false,"properties":{"fail-on":{"$ref":"#/definitions/threshold"},"ignore-unfixed":{"type":"boolean"},"source":{"description":"osv-api, osv-api:URL, osv-download (OSV all.zip archives downloaded per ecosystem and cached for the day), osv-download:URL (a mirror of that bucket), or a path to a directory of OSV JSON files or OSV all.zip files.","type":"string","minLength":1},"on-unreachable":{"$ref":"#/definitions/onError"},"vex":{"$ref":"#/definitions/globs"}}},"eol":{"$ref":"#/definitions/switch"},"secrets":{"$ref":"#/definitions/switch"},"insecure-registries":{"$ref":"#/definitions/globs"},"limits":{"type":"object","additionalProperties":false,"properties":{"max-layer-bytes":{"type":"integer","minimum":1},"max-image-bytes":{"type":"integer","minimum":1}}}}},"signatures":{"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"require":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["images"],"properties":{"images":{"type":"string","minLength":1},"mode":{"description":"enforce: an image that does not meet the requirement blocks the merge. warn: it is reported, never blocking (for rolling out).","enum":["enforce","warn"]},"key":{"type":"string","minLength":1},"keyless":{"type":"object","additionalProperties":false,"properties":{"github":{"description":"Shorthand for GitHub Actions keyless signing: sets the issuer, the certificate subject (repository, workflow file, ref) and pins the source repository.","type":"object","additionalProperties":false,"required":["repository"],"properties":{"repository":{"type":"string","pattern":"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$","description":"owner/repo of the workflow that signed."},"workflow":{"type":"string","minLength":1,"description":"Workflow file, e.g. .github/workflows/release.yml (for a reusable workflow: the called one)."},"ref":{"type":"string","minLength":1,"description":"Git ref the workflow ran on, e.g. refs/heads/main or refs/tags/v*; * matches any characters."}}},"issuer":{"type":"string"},"issuer-regexp":{"type":"string"},"subject":{"type":"string"},"subject-regexp":{"type":"string"},"extensions":{"type":"object","additionalProperties":{"type":"string"}}}},"attestations":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["type"],"properties":{"type":{"type":"string","minLength":1,"description":"Predicate type: slsa-provenance, spdx, cyclonedx, vuln, or a predicate type URI."},"builder-id":{"type":"string","minLength":1,"description":"SLSA provenance: the builder id that must have produced the image."},"source-repository":{"type":"string","minLength":1,"description":"SLSA provenance: the source repository URI the image was built from."},"source-ref":{"type":"string","minLength":1,"description":"SLSA provenance: the git ref the image was built from, e.g. refs/heads/main."}}}}}}},"pinned-digests":{"$ref":"#/definitions/switch"},"trusted-root":{"type":"string","minLength":1}}},"exception":{"type":"object","additionalProperties":false,"required":["rule","reason"],"properties":{"rule":{"description":"A rule id (pss/privileged, vuln/CVE-2024-1234) or a family glob (k8s/*).","type":"string","minLength":3},"paths":{"$ref":"#/definitions/globs"},"images":{"$ref":"#/definitions/globs"},"packages":{"$ref":"#/definitions/globs"},"objects":{"$ref":"#/definitions/globs"},"reason":{"description":"Why the finding is acceptable. Mandatory.","type":"string","minLength":1},"expires":{"$ref":"#/definitions/date"},"owner":{"type":"string"}}}}};
const schema12 = {"type":"string","minLength":1,"description":"recommended | strict | audit, or a repository-relative path to another policy file."};
const schema14 = {"description":"fail: a check that errors fails the gate (fail closed). warn: it only warns.","enum":["fail","warn"]};
const func2 = Object.prototype.hasOwnProperty;
const func3 = ((text) => Array.from(text).length);
const schema15 = {"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"allowed-unpinned":{"description":"Action owners or owner/repo globs that may be referenced by tag instead of a commit SHA, e.g. actions/*. Shorthand for ref-pin in unpinned-uses.","$ref":"#/definitions/globs"},"unpinned-uses":{"description":"How actions and reusable workflows must be pinned, per pattern (as zizmor's unpinned-uses policies): owner/repo/path, owner/repo, owner/* or *; the most specific pattern wins. hash-pin: a full commit SHA. ref-pin: any tag, branch or SHA. any: not checked.","type":"object","propertyNames":{"pattern":"^(\\*|[A-Za-z0-9_.-]+/\\*|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\\s*]+)?)$"},"additionalProperties":{"enum":["hash-pin","ref-pin","any"]}},"runner-probe":{"description":"Inspect the CI runner itself when running in CI.","type":"boolean"}}};
const schema16 = {"description":"Lowest severity that blocks the merge; none never blocks.","enum":["critical","high","medium","low","info","none"]};
const schema18 = {"type":"array","items":{"type":"string","minLength":1}};
const pattern0 = new RegExp("^(\\*|[A-Za-z0-9_.-]+/\\*|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\\s*]+)?)$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((((key0 === "enabled") || (key0 === "fail-on")) || (key0 === "on-error")) || (key0 === "paths")) || (key0 === "timeout")) || (key0 === "allowed-unpinned")) || (key0 === "unpinned-uses")) || (key0 === "runner-probe"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.enabled !== undefined){
if(typeof data.enabled !== "boolean"){
const err1 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data["fail-on"] !== undefined){
let data1 = data["fail-on"];
if(!((((((data1 === "critical") || (data1 === "high")) || (data1 === "medium")) || (data1 === "low")) || (data1 === "info")) || (data1 === "none"))){
const err2 = {instancePath:instancePath+"/fail-on",schemaPath:"#/definitions/threshold/enum",keyword:"enum",params:{allowedValues: schema16.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data["on-error"] !== undefined){
let data2 = data["on-error"];
if(!((data2 === "fail") || (data2 === "warn"))){
const err3 = {instancePath:instancePath+"/on-error",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.paths !== undefined){
let data3 = data.paths;
if(Array.isArray(data3)){
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
let data4 = data3[i0];
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err4 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/paths",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.timeout !== undefined){
let data5 = data.timeout;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err7 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 < 1 || isNaN(data5)){
const err8 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data["allowed-unpinned"] !== undefined){
let data6 = data["allowed-unpinned"];
if(Array.isArray(data6)){
const len1 = data6.length;
for(let i1=0; i1<len1; i1++){
let data7 = data6[i1];
if(typeof data7 === "string"){
if(func3(data7) < 1){
const err9 = {instancePath:instancePath+"/allowed-unpinned/" + i1,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/allowed-unpinned/" + i1,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
else {
const err11 = {instancePath:instancePath+"/allowed-unpinned",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data["unpinned-uses"] !== undefined){
let data8 = data["unpinned-uses"];
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key1 in data8){
const _errs22 = errors;
if(typeof key1 === "string"){
if(!pattern0.test(key1)){
const err12 = {instancePath:instancePath+"/unpinned-uses",schemaPath:"#/properties/unpinned-uses/propertyNames/pattern",keyword:"pattern",params:{pattern: "^(\\*|[A-Za-z0-9_.-]+/\\*|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\\s*]+)?)$"},message:"must match pattern \""+"^(\\*|[A-Za-z0-9_.-]+/\\*|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\\s*]+)?)$"+"\"",propertyName:key1};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
var valid9 = _errs22 === errors;
if(!valid9){
const err13 = {instancePath:instancePath+"/unpinned-uses",schemaPath:"#/properties/unpinned-uses/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
for(const key2 in data8){
let data9 = data8[key2];
if(!(((data9 === "hash-pin") || (data9 === "ref-pin")) || (data9 === "any"))){
const err14 = {instancePath:instancePath+"/unpinned-uses/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/unpinned-uses/additionalProperties/enum",keyword:"enum",params:{allowedValues: schema15.properties["unpinned-uses"].additionalProperties.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/unpinned-uses",schemaPath:"#/properties/unpinned-uses/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data["runner-probe"] !== undefined){
if(typeof data["runner-probe"] !== "boolean"){
const err16 = {instancePath:instancePath+"/runner-probe",schemaPath:"#/properties/runner-probe/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}

const schema20 = {"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"pod-security":{"type":"object","additionalProperties":false,"properties":{"level":{"enum":["privileged","baseline","restricted"]},"version":{"description":"latest, or a Kubernetes minor version such as \"1.30\" (quote it).","type":"string","pattern":"^(latest|1\\.[0-9]+)$"}}},"untrusted":{"description":"Workloads (Kind/name or namespace/Kind/name globs) that must set a sandboxed runtimeClassName.","$ref":"#/definitions/globs"}}};
const pattern1 = new RegExp("^(latest|1\\.[0-9]+)$", "u");

function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(((((((key0 === "enabled") || (key0 === "fail-on")) || (key0 === "on-error")) || (key0 === "paths")) || (key0 === "timeout")) || (key0 === "pod-security")) || (key0 === "untrusted"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.enabled !== undefined){
if(typeof data.enabled !== "boolean"){
const err1 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data["fail-on"] !== undefined){
let data1 = data["fail-on"];
if(!((((((data1 === "critical") || (data1 === "high")) || (data1 === "medium")) || (data1 === "low")) || (data1 === "info")) || (data1 === "none"))){
const err2 = {instancePath:instancePath+"/fail-on",schemaPath:"#/definitions/threshold/enum",keyword:"enum",params:{allowedValues: schema16.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data["on-error"] !== undefined){
let data2 = data["on-error"];
if(!((data2 === "fail") || (data2 === "warn"))){
const err3 = {instancePath:instancePath+"/on-error",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.paths !== undefined){
let data3 = data.paths;
if(Array.isArray(data3)){
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
let data4 = data3[i0];
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err4 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/paths",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.timeout !== undefined){
let data5 = data.timeout;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err7 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 < 1 || isNaN(data5)){
const err8 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data["pod-security"] !== undefined){
let data6 = data["pod-security"];
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key1 in data6){
if(!((key1 === "level") || (key1 === "version"))){
const err9 = {instancePath:instancePath+"/pod-security",schemaPath:"#/properties/pod-security/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data6.level !== undefined){
let data7 = data6.level;
if(!(((data7 === "privileged") || (data7 === "baseline")) || (data7 === "restricted"))){
const err10 = {instancePath:instancePath+"/pod-security/level",schemaPath:"#/properties/pod-security/properties/level/enum",keyword:"enum",params:{allowedValues: schema20.properties["pod-security"].properties.level.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data6.version !== undefined){
let data8 = data6.version;
if(typeof data8 === "string"){
if(!pattern1.test(data8)){
const err11 = {instancePath:instancePath+"/pod-security/version",schemaPath:"#/properties/pod-security/properties/version/pattern",keyword:"pattern",params:{pattern: "^(latest|1\\.[0-9]+)$"},message:"must match pattern \""+"^(latest|1\\.[0-9]+)$"+"\""};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/pod-security/version",schemaPath:"#/properties/pod-security/properties/version/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath:instancePath+"/pod-security",schemaPath:"#/properties/pod-security/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.untrusted !== undefined){
let data9 = data.untrusted;
if(Array.isArray(data9)){
const len1 = data9.length;
for(let i1=0; i1<len1; i1++){
let data10 = data9[i1];
if(typeof data10 === "string"){
if(func3(data10) < 1){
const err14 = {instancePath:instancePath+"/untrusted/" + i1,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/untrusted/" + i1,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/untrusted",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
validate13.errors = vErrors;
return errors === 0;
}

const schema25 = {"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"targets":{"description":"Images to scan: oci:PATH[:TAG], oci-archive:PATH, docker-archive:PATH, dir:PATH, sbom:PATH or REGISTRY/REPO[:TAG][@sha256:…]; or trivy:REPORT.json / grype:REPORT.json to gate a scanner's findings. Relative paths resolve against the repository root. ${VAR} is read from the environment.","type":"array","items":{"type":"string","minLength":1}},"platform":{"type":"string","pattern":"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"},"vulnerabilities":{"type":"object","additionalProperties":false,"properties":{"fail-on":{"$ref":"#/definitions/threshold"},"ignore-unfixed":{"type":"boolean"},"source":{"description":"osv-api, osv-api:URL, osv-download (OSV all.zip archives downloaded per ecosystem and cached for the day), osv-download:URL (a mirror of that bucket), or a path to a directory of OSV JSON files or OSV all.zip files.","type":"string","minLength":1},"on-unreachable":{"$ref":"#/definitions/onError"},"vex":{"$ref":"#/definitions/globs"}}},"eol":{"$ref":"#/definitions/switch"},"secrets":{"$ref":"#/definitions/switch"},"insecure-registries":{"$ref":"#/definitions/globs"},"limits":{"type":"object","additionalProperties":false,"properties":{"max-layer-bytes":{"type":"integer","minimum":1},"max-image-bytes":{"type":"integer","minimum":1}}}}};
const schema32 = {"enum":["fail","warn","off"]};
const pattern2 = new RegExp("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$", "u");

function validate15(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema25.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.enabled !== undefined){
if(typeof data.enabled !== "boolean"){
const err1 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data["fail-on"] !== undefined){
let data1 = data["fail-on"];
if(!((((((data1 === "critical") || (data1 === "high")) || (data1 === "medium")) || (data1 === "low")) || (data1 === "info")) || (data1 === "none"))){
const err2 = {instancePath:instancePath+"/fail-on",schemaPath:"#/definitions/threshold/enum",keyword:"enum",params:{allowedValues: schema16.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data["on-error"] !== undefined){
let data2 = data["on-error"];
if(!((data2 === "fail") || (data2 === "warn"))){
const err3 = {instancePath:instancePath+"/on-error",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.paths !== undefined){
let data3 = data.paths;
if(Array.isArray(data3)){
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
let data4 = data3[i0];
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err4 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/paths",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.timeout !== undefined){
let data5 = data.timeout;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err7 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 < 1 || isNaN(data5)){
const err8 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data.targets !== undefined){
let data6 = data.targets;
if(Array.isArray(data6)){
const len1 = data6.length;
for(let i1=0; i1<len1; i1++){
let data7 = data6[i1];
if(typeof data7 === "string"){
if(func3(data7) < 1){
const err9 = {instancePath:instancePath+"/targets/" + i1,schemaPath:"#/properties/targets/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/targets/" + i1,schemaPath:"#/properties/targets/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
else {
const err11 = {instancePath:instancePath+"/targets",schemaPath:"#/properties/targets/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.platform !== undefined){
let data8 = data.platform;
if(typeof data8 === "string"){
if(!pattern2.test(data8)){
const err12 = {instancePath:instancePath+"/platform",schemaPath:"#/properties/platform/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"},message:"must match pattern \""+"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"+"\""};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/platform",schemaPath:"#/properties/platform/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.vulnerabilities !== undefined){
let data9 = data.vulnerabilities;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
for(const key1 in data9){
if(!(((((key1 === "fail-on") || (key1 === "ignore-unfixed")) || (key1 === "source")) || (key1 === "on-unreachable")) || (key1 === "vex"))){
const err14 = {instancePath:instancePath+"/vulnerabilities",schemaPath:"#/properties/vulnerabilities/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data9["fail-on"] !== undefined){
let data10 = data9["fail-on"];
if(!((((((data10 === "critical") || (data10 === "high")) || (data10 === "medium")) || (data10 === "low")) || (data10 === "info")) || (data10 === "none"))){
const err15 = {instancePath:instancePath+"/vulnerabilities/fail-on",schemaPath:"#/definitions/threshold/enum",keyword:"enum",params:{allowedValues: schema16.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data9["ignore-unfixed"] !== undefined){
if(typeof data9["ignore-unfixed"] !== "boolean"){
const err16 = {instancePath:instancePath+"/vulnerabilities/ignore-unfixed",schemaPath:"#/properties/vulnerabilities/properties/ignore-unfixed/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data9.source !== undefined){
let data12 = data9.source;
if(typeof data12 === "string"){
if(func3(data12) < 1){
const err17 = {instancePath:instancePath+"/vulnerabilities/source",schemaPath:"#/properties/vulnerabilities/properties/source/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/vulnerabilities/source",schemaPath:"#/properties/vulnerabilities/properties/source/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data9["on-unreachable"] !== undefined){
let data13 = data9["on-unreachable"];
if(!((data13 === "fail") || (data13 === "warn"))){
const err19 = {instancePath:instancePath+"/vulnerabilities/on-unreachable",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data9.vex !== undefined){
let data14 = data9.vex;
if(Array.isArray(data14)){
const len2 = data14.length;
for(let i2=0; i2<len2; i2++){
let data15 = data14[i2];
if(typeof data15 === "string"){
if(func3(data15) < 1){
const err20 = {instancePath:instancePath+"/vulnerabilities/vex/" + i2,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/vulnerabilities/vex/" + i2,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/vulnerabilities/vex",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/vulnerabilities",schemaPath:"#/properties/vulnerabilities/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.eol !== undefined){
let data16 = data.eol;
if(!(((data16 === "fail") || (data16 === "warn")) || (data16 === "off"))){
const err24 = {instancePath:instancePath+"/eol",schemaPath:"#/definitions/switch/enum",keyword:"enum",params:{allowedValues: schema32.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.secrets !== undefined){
let data17 = data.secrets;
if(!(((data17 === "fail") || (data17 === "warn")) || (data17 === "off"))){
const err25 = {instancePath:instancePath+"/secrets",schemaPath:"#/definitions/switch/enum",keyword:"enum",params:{allowedValues: schema32.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data["insecure-registries"] !== undefined){
let data18 = data["insecure-registries"];
if(Array.isArray(data18)){
const len3 = data18.length;
for(let i3=0; i3<len3; i3++){
let data19 = data18[i3];
if(typeof data19 === "string"){
if(func3(data19) < 1){
const err26 = {instancePath:instancePath+"/insecure-registries/" + i3,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/insecure-registries/" + i3,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
else {
const err28 = {instancePath:instancePath+"/insecure-registries",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data.limits !== undefined){
let data20 = data.limits;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
for(const key2 in data20){
if(!((key2 === "max-layer-bytes") || (key2 === "max-image-bytes"))){
const err29 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data20["max-layer-bytes"] !== undefined){
let data21 = data20["max-layer-bytes"];
if(!((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21)))){
const err30 = {instancePath:instancePath+"/limits/max-layer-bytes",schemaPath:"#/properties/limits/properties/max-layer-bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(typeof data21 == "number"){
if(data21 < 1 || isNaN(data21)){
const err31 = {instancePath:instancePath+"/limits/max-layer-bytes",schemaPath:"#/properties/limits/properties/max-layer-bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
if(data20["max-image-bytes"] !== undefined){
let data22 = data20["max-image-bytes"];
if(!((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22)))){
const err32 = {instancePath:instancePath+"/limits/max-image-bytes",schemaPath:"#/properties/limits/properties/max-image-bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(typeof data22 == "number"){
if(data22 < 1 || isNaN(data22)){
const err33 = {instancePath:instancePath+"/limits/max-image-bytes",schemaPath:"#/properties/limits/properties/max-image-bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
}
else {
const err34 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
validate15.errors = vErrors;
return errors === 0;
}

const schema35 = {"type":"object","additionalProperties":false,"properties":{"enabled":{"type":"boolean"},"fail-on":{"$ref":"#/definitions/threshold"},"on-error":{"$ref":"#/definitions/onError"},"paths":{"$ref":"#/definitions/globs"},"timeout":{"type":"integer","minimum":1},"require":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["images"],"properties":{"images":{"type":"string","minLength":1},"mode":{"description":"enforce: an image that does not meet the requirement blocks the merge. warn: it is reported, never blocking (for rolling out).","enum":["enforce","warn"]},"key":{"type":"string","minLength":1},"keyless":{"type":"object","additionalProperties":false,"properties":{"github":{"description":"Shorthand for GitHub Actions keyless signing: sets the issuer, the certificate subject (repository, workflow file, ref) and pins the source repository.","type":"object","additionalProperties":false,"required":["repository"],"properties":{"repository":{"type":"string","pattern":"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$","description":"owner/repo of the workflow that signed."},"workflow":{"type":"string","minLength":1,"description":"Workflow file, e.g. .github/workflows/release.yml (for a reusable workflow: the called one)."},"ref":{"type":"string","minLength":1,"description":"Git ref the workflow ran on, e.g. refs/heads/main or refs/tags/v*; * matches any characters."}}},"issuer":{"type":"string"},"issuer-regexp":{"type":"string"},"subject":{"type":"string"},"subject-regexp":{"type":"string"},"extensions":{"type":"object","additionalProperties":{"type":"string"}}}},"attestations":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["type"],"properties":{"type":{"type":"string","minLength":1,"description":"Predicate type: slsa-provenance, spdx, cyclonedx, vuln, or a predicate type URI."},"builder-id":{"type":"string","minLength":1,"description":"SLSA provenance: the builder id that must have produced the image."},"source-repository":{"type":"string","minLength":1,"description":"SLSA provenance: the source repository URI the image was built from."},"source-ref":{"type":"string","minLength":1,"description":"SLSA provenance: the git ref the image was built from, e.g. refs/heads/main."}}}}}}},"pinned-digests":{"$ref":"#/definitions/switch"},"trusted-root":{"type":"string","minLength":1}}};
const pattern3 = new RegExp("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", "u");

function validate17(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((((key0 === "enabled") || (key0 === "fail-on")) || (key0 === "on-error")) || (key0 === "paths")) || (key0 === "timeout")) || (key0 === "require")) || (key0 === "pinned-digests")) || (key0 === "trusted-root"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.enabled !== undefined){
if(typeof data.enabled !== "boolean"){
const err1 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data["fail-on"] !== undefined){
let data1 = data["fail-on"];
if(!((((((data1 === "critical") || (data1 === "high")) || (data1 === "medium")) || (data1 === "low")) || (data1 === "info")) || (data1 === "none"))){
const err2 = {instancePath:instancePath+"/fail-on",schemaPath:"#/definitions/threshold/enum",keyword:"enum",params:{allowedValues: schema16.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data["on-error"] !== undefined){
let data2 = data["on-error"];
if(!((data2 === "fail") || (data2 === "warn"))){
const err3 = {instancePath:instancePath+"/on-error",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.paths !== undefined){
let data3 = data.paths;
if(Array.isArray(data3)){
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
let data4 = data3[i0];
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err4 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/paths",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.timeout !== undefined){
let data5 = data.timeout;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err7 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 < 1 || isNaN(data5)){
const err8 = {instancePath:instancePath+"/timeout",schemaPath:"#/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data.require !== undefined){
let data6 = data.require;
if(Array.isArray(data6)){
const len1 = data6.length;
for(let i1=0; i1<len1; i1++){
let data7 = data6[i1];
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.images === undefined){
const err9 = {instancePath:instancePath+"/require/" + i1,schemaPath:"#/properties/require/items/required",keyword:"required",params:{missingProperty: "images"},message:"must have required property '"+"images"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
for(const key1 in data7){
if(!(((((key1 === "images") || (key1 === "mode")) || (key1 === "key")) || (key1 === "keyless")) || (key1 === "attestations"))){
const err10 = {instancePath:instancePath+"/require/" + i1,schemaPath:"#/properties/require/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data7.images !== undefined){
let data8 = data7.images;
if(typeof data8 === "string"){
if(func3(data8) < 1){
const err11 = {instancePath:instancePath+"/require/" + i1+"/images",schemaPath:"#/properties/require/items/properties/images/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/require/" + i1+"/images",schemaPath:"#/properties/require/items/properties/images/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data7.mode !== undefined){
let data9 = data7.mode;
if(!((data9 === "enforce") || (data9 === "warn"))){
const err13 = {instancePath:instancePath+"/require/" + i1+"/mode",schemaPath:"#/properties/require/items/properties/mode/enum",keyword:"enum",params:{allowedValues: schema35.properties.require.items.properties.mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data7.key !== undefined){
let data10 = data7.key;
if(typeof data10 === "string"){
if(func3(data10) < 1){
const err14 = {instancePath:instancePath+"/require/" + i1+"/key",schemaPath:"#/properties/require/items/properties/key/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/require/" + i1+"/key",schemaPath:"#/properties/require/items/properties/key/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data7.keyless !== undefined){
let data11 = data7.keyless;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
for(const key2 in data11){
if(!((((((key2 === "github") || (key2 === "issuer")) || (key2 === "issuer-regexp")) || (key2 === "subject")) || (key2 === "subject-regexp")) || (key2 === "extensions"))){
const err16 = {instancePath:instancePath+"/require/" + i1+"/keyless",schemaPath:"#/properties/require/items/properties/keyless/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data11.github !== undefined){
let data12 = data11.github;
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
if(data12.repository === undefined){
const err17 = {instancePath:instancePath+"/require/" + i1+"/keyless/github",schemaPath:"#/properties/require/items/properties/keyless/properties/github/required",keyword:"required",params:{missingProperty: "repository"},message:"must have required property '"+"repository"+"'"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
for(const key3 in data12){
if(!(((key3 === "repository") || (key3 === "workflow")) || (key3 === "ref"))){
const err18 = {instancePath:instancePath+"/require/" + i1+"/keyless/github",schemaPath:"#/properties/require/items/properties/keyless/properties/github/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data12.repository !== undefined){
let data13 = data12.repository;
if(typeof data13 === "string"){
if(!pattern3.test(data13)){
const err19 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/repository",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/repository/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"},message:"must match pattern \""+"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"+"\""};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/repository",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/repository/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data12.workflow !== undefined){
let data14 = data12.workflow;
if(typeof data14 === "string"){
if(func3(data14) < 1){
const err21 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/workflow",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/workflow/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/workflow",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/workflow/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data12.ref !== undefined){
let data15 = data12.ref;
if(typeof data15 === "string"){
if(func3(data15) < 1){
const err23 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/ref",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/ref/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/require/" + i1+"/keyless/github/ref",schemaPath:"#/properties/require/items/properties/keyless/properties/github/properties/ref/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
else {
const err25 = {instancePath:instancePath+"/require/" + i1+"/keyless/github",schemaPath:"#/properties/require/items/properties/keyless/properties/github/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data11.issuer !== undefined){
if(typeof data11.issuer !== "string"){
const err26 = {instancePath:instancePath+"/require/" + i1+"/keyless/issuer",schemaPath:"#/properties/require/items/properties/keyless/properties/issuer/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data11["issuer-regexp"] !== undefined){
if(typeof data11["issuer-regexp"] !== "string"){
const err27 = {instancePath:instancePath+"/require/" + i1+"/keyless/issuer-regexp",schemaPath:"#/properties/require/items/properties/keyless/properties/issuer-regexp/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data11.subject !== undefined){
if(typeof data11.subject !== "string"){
const err28 = {instancePath:instancePath+"/require/" + i1+"/keyless/subject",schemaPath:"#/properties/require/items/properties/keyless/properties/subject/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data11["subject-regexp"] !== undefined){
if(typeof data11["subject-regexp"] !== "string"){
const err29 = {instancePath:instancePath+"/require/" + i1+"/keyless/subject-regexp",schemaPath:"#/properties/require/items/properties/keyless/properties/subject-regexp/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data11.extensions !== undefined){
let data20 = data11.extensions;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
for(const key4 in data20){
if(typeof data20[key4] !== "string"){
const err30 = {instancePath:instancePath+"/require/" + i1+"/keyless/extensions/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/require/items/properties/keyless/properties/extensions/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
else {
const err31 = {instancePath:instancePath+"/require/" + i1+"/keyless/extensions",schemaPath:"#/properties/require/items/properties/keyless/properties/extensions/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
else {
const err32 = {instancePath:instancePath+"/require/" + i1+"/keyless",schemaPath:"#/properties/require/items/properties/keyless/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data7.attestations !== undefined){
let data22 = data7.attestations;
if(Array.isArray(data22)){
const len2 = data22.length;
for(let i2=0; i2<len2; i2++){
let data23 = data22[i2];
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
if(data23.type === undefined){
const err33 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2,schemaPath:"#/properties/require/items/properties/attestations/items/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
for(const key5 in data23){
if(!((((key5 === "type") || (key5 === "builder-id")) || (key5 === "source-repository")) || (key5 === "source-ref"))){
const err34 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2,schemaPath:"#/properties/require/items/properties/attestations/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data23.type !== undefined){
let data24 = data23.type;
if(typeof data24 === "string"){
if(func3(data24) < 1){
const err35 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/type",schemaPath:"#/properties/require/items/properties/attestations/items/properties/type/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/type",schemaPath:"#/properties/require/items/properties/attestations/items/properties/type/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data23["builder-id"] !== undefined){
let data25 = data23["builder-id"];
if(typeof data25 === "string"){
if(func3(data25) < 1){
const err37 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/builder-id",schemaPath:"#/properties/require/items/properties/attestations/items/properties/builder-id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
else {
const err38 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/builder-id",schemaPath:"#/properties/require/items/properties/attestations/items/properties/builder-id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data23["source-repository"] !== undefined){
let data26 = data23["source-repository"];
if(typeof data26 === "string"){
if(func3(data26) < 1){
const err39 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/source-repository",schemaPath:"#/properties/require/items/properties/attestations/items/properties/source-repository/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/source-repository",schemaPath:"#/properties/require/items/properties/attestations/items/properties/source-repository/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data23["source-ref"] !== undefined){
let data27 = data23["source-ref"];
if(typeof data27 === "string"){
if(func3(data27) < 1){
const err41 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/source-ref",schemaPath:"#/properties/require/items/properties/attestations/items/properties/source-ref/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2+"/source-ref",schemaPath:"#/properties/require/items/properties/attestations/items/properties/source-ref/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
}
else {
const err43 = {instancePath:instancePath+"/require/" + i1+"/attestations/" + i2,schemaPath:"#/properties/require/items/properties/attestations/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
else {
const err44 = {instancePath:instancePath+"/require/" + i1+"/attestations",schemaPath:"#/properties/require/items/properties/attestations/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
else {
const err45 = {instancePath:instancePath+"/require/" + i1,schemaPath:"#/properties/require/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
else {
const err46 = {instancePath:instancePath+"/require",schemaPath:"#/properties/require/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data["pinned-digests"] !== undefined){
let data28 = data["pinned-digests"];
if(!(((data28 === "fail") || (data28 === "warn")) || (data28 === "off"))){
const err47 = {instancePath:instancePath+"/pinned-digests",schemaPath:"#/definitions/switch/enum",keyword:"enum",params:{allowedValues: schema32.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data["trusted-root"] !== undefined){
let data29 = data["trusted-root"];
if(typeof data29 === "string"){
if(func3(data29) < 1){
const err48 = {instancePath:instancePath+"/trusted-root",schemaPath:"#/properties/trusted-root/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/trusted-root",schemaPath:"#/properties/trusted-root/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
else {
const err50 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
validate17.errors = vErrors;
return errors === 0;
}

const schema40 = {"type":"object","additionalProperties":false,"required":["rule","reason"],"properties":{"rule":{"description":"A rule id (pss/privileged, vuln/CVE-2024-1234) or a family glob (k8s/*).","type":"string","minLength":3},"paths":{"$ref":"#/definitions/globs"},"images":{"$ref":"#/definitions/globs"},"packages":{"$ref":"#/definitions/globs"},"objects":{"$ref":"#/definitions/globs"},"reason":{"description":"Why the finding is acceptable. Mandatory.","type":"string","minLength":1},"expires":{"$ref":"#/definitions/date"},"owner":{"type":"string"}}};
const schema45 = {"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$","description":"An ISO date, YYYY-MM-DD."};
const pattern4 = new RegExp("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "u");

function validate19(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.rule === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "rule"},message:"must have required property '"+"rule"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.reason === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!((((((((key0 === "rule") || (key0 === "paths")) || (key0 === "images")) || (key0 === "packages")) || (key0 === "objects")) || (key0 === "reason")) || (key0 === "expires")) || (key0 === "owner"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.rule !== undefined){
let data0 = data.rule;
if(typeof data0 === "string"){
if(func3(data0) < 3){
const err3 = {instancePath:instancePath+"/rule",schemaPath:"#/properties/rule/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/rule",schemaPath:"#/properties/rule/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.paths !== undefined){
let data1 = data.paths;
if(Array.isArray(data1)){
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(typeof data2 === "string"){
if(func3(data2) < 1){
const err5 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/paths/" + i0,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
else {
const err7 = {instancePath:instancePath+"/paths",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.images !== undefined){
let data3 = data.images;
if(Array.isArray(data3)){
const len1 = data3.length;
for(let i1=0; i1<len1; i1++){
let data4 = data3[i1];
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err8 = {instancePath:instancePath+"/images/" + i1,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/images/" + i1,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath:instancePath+"/images",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.packages !== undefined){
let data5 = data.packages;
if(Array.isArray(data5)){
const len2 = data5.length;
for(let i2=0; i2<len2; i2++){
let data6 = data5[i2];
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err11 = {instancePath:instancePath+"/packages/" + i2,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/packages/" + i2,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath:instancePath+"/packages",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.objects !== undefined){
let data7 = data.objects;
if(Array.isArray(data7)){
const len3 = data7.length;
for(let i3=0; i3<len3; i3++){
let data8 = data7[i3];
if(typeof data8 === "string"){
if(func3(data8) < 1){
const err14 = {instancePath:instancePath+"/objects/" + i3,schemaPath:"#/definitions/globs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/objects/" + i3,schemaPath:"#/definitions/globs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/objects",schemaPath:"#/definitions/globs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.reason !== undefined){
let data9 = data.reason;
if(typeof data9 === "string"){
if(func3(data9) < 1){
const err17 = {instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.expires !== undefined){
let data10 = data.expires;
if(typeof data10 === "string"){
if(!pattern4.test(data10)){
const err19 = {instancePath:instancePath+"/expires",schemaPath:"#/definitions/date/pattern",keyword:"pattern",params:{pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},message:"must match pattern \""+"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"+"\""};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/expires",schemaPath:"#/definitions/date/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.owner !== undefined){
if(typeof data.owner !== "string"){
const err21 = {instancePath:instancePath+"/owner",schemaPath:"#/properties/owner/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
validate19.errors = vErrors;
return errors === 0;
}


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://containersec.dev/schema/containersec.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.version === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.$schema !== undefined){
if(typeof data.$schema !== "string"){
const err2 = {instancePath:instancePath+"/$schema",schemaPath:"#/properties/%24schema/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.version !== undefined){
if(1 !== data.version){
const err3 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.extends !== undefined){
let data2 = data.extends;
const _errs6 = errors;
let valid1 = false;
let passing0 = null;
const _errs7 = errors;
if(typeof data2 === "string"){
if(func3(data2) < 1){
const err4 = {instancePath:instancePath+"/extends",schemaPath:"#/definitions/extendsEntry/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/extends",schemaPath:"#/definitions/extendsEntry/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs7 === errors;
if(_valid0){
valid1 = true;
passing0 = 0;
}
const _errs10 = errors;
if(Array.isArray(data2)){
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 === "string"){
if(func3(data3) < 1){
const err6 = {instancePath:instancePath+"/extends/" + i0,schemaPath:"#/definitions/extendsEntry/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/extends/" + i0,schemaPath:"#/definitions/extendsEntry/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
else {
const err8 = {instancePath:instancePath+"/extends",schemaPath:"#/properties/extends/oneOf/1/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
var _valid0 = _errs10 === errors;
if(_valid0 && valid1){
valid1 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid1 = true;
passing0 = 1;
}
}
if(!valid1){
const err9 = {instancePath:instancePath+"/extends",schemaPath:"#/properties/extends/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
else {
errors = _errs6;
if(vErrors !== null){
if(_errs6){
vErrors.length = _errs6;
}
else {
vErrors = null;
}
}
}
}
if(data.mode !== undefined){
let data4 = data.mode;
if(!((data4 === "enforce") || (data4 === "audit"))){
const err10 = {instancePath:instancePath+"/mode",schemaPath:"#/properties/mode/enum",keyword:"enum",params:{allowedValues: schema11.properties.mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data["on-error"] !== undefined){
let data5 = data["on-error"];
if(!((data5 === "fail") || (data5 === "warn"))){
const err11 = {instancePath:instancePath+"/on-error",schemaPath:"#/definitions/onError/enum",keyword:"enum",params:{allowedValues: schema14.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.gate !== undefined){
let data6 = data.gate;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key1 in data6){
if(!(key1 === "new-only")){
const err12 = {instancePath:instancePath+"/gate",schemaPath:"#/properties/gate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data6["new-only"] !== undefined){
if(typeof data6["new-only"] !== "boolean"){
const err13 = {instancePath:instancePath+"/gate/new-only",schemaPath:"#/properties/gate/properties/new-only/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/gate",schemaPath:"#/properties/gate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.checks !== undefined){
let data8 = data.checks;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key2 in data8){
if(!((((key2 === "hardening") || (key2 === "manifests")) || (key2 === "images")) || (key2 === "signatures"))){
const err15 = {instancePath:instancePath+"/checks",schemaPath:"#/properties/checks/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data8.hardening !== undefined){
if(!(validate11(data8.hardening, {instancePath:instancePath+"/checks/hardening",parentData:data8,parentDataProperty:"hardening",rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data8.manifests !== undefined){
if(!(validate13(data8.manifests, {instancePath:instancePath+"/checks/manifests",parentData:data8,parentDataProperty:"manifests",rootData}))){
vErrors = vErrors === null ? validate13.errors : vErrors.concat(validate13.errors);
errors = vErrors.length;
}
}
if(data8.images !== undefined){
if(!(validate15(data8.images, {instancePath:instancePath+"/checks/images",parentData:data8,parentDataProperty:"images",rootData}))){
vErrors = vErrors === null ? validate15.errors : vErrors.concat(validate15.errors);
errors = vErrors.length;
}
}
if(data8.signatures !== undefined){
if(!(validate17(data8.signatures, {instancePath:instancePath+"/checks/signatures",parentData:data8,parentDataProperty:"signatures",rootData}))){
vErrors = vErrors === null ? validate17.errors : vErrors.concat(validate17.errors);
errors = vErrors.length;
}
}
}
else {
const err16 = {instancePath:instancePath+"/checks",schemaPath:"#/properties/checks/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.exceptions !== undefined){
let data13 = data.exceptions;
if(Array.isArray(data13)){
const len1 = data13.length;
for(let i1=0; i1<len1; i1++){
if(!(validate19(data13[i1], {instancePath:instancePath+"/exceptions/" + i1,parentData:data13,parentDataProperty:i1,rootData}))){
vErrors = vErrors === null ? validate19.errors : vErrors.concat(validate19.errors);
errors = vErrors.length;
}
}
}
else {
const err17 = {instancePath:instancePath+"/exceptions",schemaPath:"#/properties/exceptions/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.report !== undefined){
let data15 = data.report;
if(data15 && typeof data15 == "object" && !Array.isArray(data15)){
for(const key3 in data15){
if(!((key3 === "comment") || (key3 === "template"))){
const err18 = {instancePath:instancePath+"/report",schemaPath:"#/properties/report/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data15.comment !== undefined){
let data16 = data15.comment;
if(!(((data16 === "update") || (data16 === "new")) || (data16 === "off"))){
const err19 = {instancePath:instancePath+"/report/comment",schemaPath:"#/properties/report/properties/comment/enum",keyword:"enum",params:{allowedValues: schema11.properties.report.properties.comment.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data15.template !== undefined){
let data17 = data15.template;
if(typeof data17 === "string"){
if(func3(data17) < 1){
const err20 = {instancePath:instancePath+"/report/template",schemaPath:"#/properties/report/properties/template/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/report/template",schemaPath:"#/properties/report/properties/template/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/report",schemaPath:"#/properties/report/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

