package mcp_audit.sc.mcp_sc_002_test

import data.mcp_audit.sc.mcp_sc_002
import rego.v1

l := {"file": "compose.yaml", "line": 3, "col": 12, "end_line": 3, "end_col": 40}

fl(line) := {"file": "Dockerfile", "line": line, "col": 6, "end_line": line, "end_col": 30}

s1_preset := ["localhost:5000/idp/*", "docker.io/mcp/*", "ghcr.io/acme/*"]

svc(image, allowed) := {
	"kind": "compose_service",
	"unit": {"name": "github-mcp"},
	"service": {"image": {"value": image, "loc": l, "indeterminate": false}, "has_build": false},
	"dockerfile": null,
	"config": {"allowed_registries": allowed},
}

built(froms, allowed) := {
	"kind": "compose_service",
	"unit": {"name": "github-mcp"},
	"service": {"image": null, "has_build": true},
	"dockerfile": {"from": froms},
	"config": {"allowed_registries": allowed},
}

ext(image, line) := {"image": image, "resolved": image, "kind": "external", "stage": "runtime", "in_chain": true, "indeterminate": false, "loc": fl(line)}

test_off_without_allowlist if {
	not mcp_sc_002.applicable with input as svc("ghcr.io/evil/mcp:1.0", [])
	count(mcp_sc_002.deny) == 0 with input as svc("ghcr.io/evil/mcp:1.0", [])
}

test_compose_image_outside_allowlist if {
	rs := mcp_sc_002.deny with input as svc("crystaldba/postgres-mcp:0.3.0", s1_preset)
	some r in rs
	contains(r.msg, "comes from docker.io/crystaldba")
	r.loc == l
}

test_allowlisted_prefixes_pass if {
	every ref in ["localhost:5000/idp/github-mcp:1.2.0", "mcp/fetch:1.0.0", "docker.io/mcp/fetch:1.0.0", "index.docker.io/mcp/fetch:1.0.0", "ghcr.io/acme/tools/mcp:2.0", "GHCR.io/acme/x:1"] {
		count(mcp_sc_002.deny) == 0 with input as svc(ref, s1_preset)
	}
}

test_prefix_is_not_a_substring_match if {
	count(mcp_sc_002.deny) == 1 with input as svc("ghcr.io/acme-evil/mcp:1.0", s1_preset)
	count(mcp_sc_002.deny) == 1 with input as svc("localhost:5000/idp-other/mcp:1.0", ["localhost:5000/idp"])
}

test_docker_hub_short_name_is_docker_io_library if {
	rs := mcp_sc_002.deny with input as svc("node:20-alpine", ["docker.io/mcp/*"])
	some r in rs
	r.evidence.normalized == "docker.io/library/node:20-alpine"
	count(mcp_sc_002.deny) == 0 with input as svc("node:20-alpine", ["docker.io/library/*"])
	count(mcp_sc_002.deny) == 0 with input as svc("node:20-alpine", ["docker.io"])
	count(mcp_sc_002.deny) == 0 with input as svc("node:20-alpine", ["node"])
}

test_host_only_entry if {
	count(mcp_sc_002.deny) == 0 with input as svc("ghcr.io/anyone/mcp:1.0", ["ghcr.io"])
	count(mcp_sc_002.deny) == 1 with input as svc("ghcr.io.evil.example/mcp:1.0", ["ghcr.io"])
}

test_locally_built_image_tag_not_checked if {
	d := object.union(svc("ghcr.io/evil/mcp:1.0", s1_preset), {"service": {"has_build": true}})
	count(mcp_sc_002.deny) == 0 with input as d
}

test_indeterminate_image_skipped if {
	d := object.union(svc("", s1_preset), {"service": {"image": {"indeterminate": true}}})
	count(mcp_sc_002.deny) == 0 with input as d
}

test_dockerfile_external_froms if {
	froms := [
		ext("python:3.12-slim", 1),
		ext("localhost:5000/idp/python-base:3.12", 5),
		{"image": "builder", "resolved": "builder", "kind": "stage", "stage": "runtime", "in_chain": true, "indeterminate": false, "loc": fl(9)},
		{"image": "scratch", "resolved": "scratch", "kind": "scratch", "stage": "final", "in_chain": true, "indeterminate": false, "loc": fl(12)},
	]
	rs := mcp_sc_002.deny with input as built(froms, s1_preset)
	count(rs) == 1
	some r in rs
	r.loc == fl(1)
	contains(r.msg, "base image of stage \"runtime\" \"python:3.12-slim\"")
}

test_unresolved_from_skipped if {
	f := object.union(ext("${BASE}", 1), {"resolved": "", "indeterminate": true})
	count(mcp_sc_002.deny) == 0 with input as built([f], s1_preset)
}
