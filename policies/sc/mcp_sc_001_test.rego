package mcp_audit.sc.mcp_sc_001_test

import data.mcp_audit.sc.mcp_sc_001
import rego.v1

l := {"file": "compose.yaml", "line": 3, "col": 12, "end_line": 3, "end_col": 30}

svc(ref) := {"service": {"image": {"value": ref, "loc": l}, "has_build": false}}

test_latest_and_untagged_are_mutable if {
	count(mcp_sc_001.deny) == 1 with input as svc("nginx:latest")
	count(mcp_sc_001.deny) == 1 with input as svc("nginx")
	count(mcp_sc_001.deny) == 1 with input as svc("localhost:5000/idp/github-mcp:latest")
	count(mcp_sc_001.deny) == 1 with input as svc("localhost:5000/idp/github-mcp")
}

test_pinned_refs_pass if {
	count(mcp_sc_001.deny) == 0 with input as svc("nginx:1.27.0")
	count(mcp_sc_001.deny) == 0 with input as svc("localhost:5000/idp/mcp-hub:2.0")
	count(mcp_sc_001.deny) == 0 with input as svc("nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000")
}

test_local_build_tag_passes if {
	count(mcp_sc_001.deny) == 0 with input as {"service": {"image": {"value": "app:latest", "loc": l}, "has_build": true}}
}

test_dockerfile_from if {
	count(mcp_sc_001.deny) == 1 with input as {"dockerfile": {"from": [
		{"kind": "external", "resolved": "node:latest", "loc": l},
		{"kind": "stage", "resolved": "base", "loc": l},
		{"kind": "scratch", "resolved": "scratch", "loc": l},
		{"kind": "external", "resolved": "node:20.11-alpine", "loc": l},
	]}}
}

client(image) := {"kind": "mcp_client", "unit": {"name": "idp-central"}, "server": {"docker": {"image": {"value": image, "loc": {"file": ".claude/config.json", "line": 9, "col": 9, "end_line": 9, "end_col": 47}}}}}

test_client_docker_run_image if {
	rs := mcp_sc_001.deny with input as client("localhost:5000/idp/mcp-bridge:latest")
	count(rs) == 1
	some r in rs
	r.loc.line == 9
	contains(r.msg, "idp-central")
	untagged := mcp_sc_001.deny with input as client("mcp/fetch")
	count(untagged) == 1
	pinned := mcp_sc_001.deny with input as client("ghcr.io/github/github-mcp-server:1.0.0")
	count(pinned) == 0
	templated := mcp_sc_001.deny with input as client("${BRIDGE_IMAGE}")
	count(templated) == 0
}

digest_required(doc) := object.union(doc, {"config": {"require_digest": true}})

test_require_digest_reports_pinned_tags_without_digest if {
	count(mcp_sc_001.deny) == 0 with input as svc("nginx:1.27.0")
	rs := mcp_sc_001.deny with input as digest_required(svc("nginx:1.27.0"))
	count(rs) == 1
	some r in rs
	contains(r.msg, "no `@sha256:` digest")
	count(mcp_sc_001.deny) == 0 with input as digest_required(svc("nginx:1.27.0@sha256:0000000000000000000000000000000000000000000000000000000000000000"))
	latest := mcp_sc_001.deny with input as digest_required(svc("nginx:latest"))
	some lr in latest
	contains(lr.msg, "mutable `latest` tag")
	count(mcp_sc_001.deny) == 1 with input as digest_required({"dockerfile": {"from": [
		{"kind": "external", "resolved": "node:20.11-alpine", "loc": l},
		{"kind": "stage", "resolved": "base", "loc": l},
		{"kind": "scratch", "resolved": "scratch", "loc": l},
	]}})
	count(mcp_sc_001.deny) == 1 with input as digest_required(client("ghcr.io/github/github-mcp-server:1.0.0"))
	count(mcp_sc_001.deny) == 0 with input as digest_required({"service": {"image": {"value": "app:1.0", "loc": l}, "has_build": true}})
}

# `registry/${NAME}:latest` with NAME unset: the resolver passes the written form.
unset_svc(value, written) := {"service": {"image": {"value": value, "loc": l, "indeterminate": true}, "image_written": written, "image_pin_fixed": true, "has_build": false}}

test_unset_variable_before_the_tag_is_judged_as_written if {
	rs := mcp_sc_001.deny with input as unset_svc("localhost:5000/idp/:latest", "localhost:5000/idp/${SERVER_NAME}:latest")
	count(rs) == 1
	some r in rs
	r.msg == "image \"localhost:5000/idp/${SERVER_NAME}:latest\" uses the mutable `latest` tag"
	count(mcp_sc_001.deny) == 1 with input as unset_svc("/app", "${REGISTRY}/app")
	count(mcp_sc_001.deny) == 0 with input as unset_svc("/app:1.2", "${REGISTRY}/app:1.2")
}

test_unset_variable_in_the_tag_is_not_judged if {
	count(mcp_sc_001.deny) == 0 with input as {"service": {"image": {"value": "app:", "loc": l, "indeterminate": true}, "image_written": "app:${TAG}", "has_build": false}}
	count(mcp_sc_001.deny) == 0 with input as {"dockerfile": {"from": [{"kind": "external", "image": "node:${TAG}", "resolved": "node:", "indeterminate": true, "loc": l}]}}
}

test_dockerfile_from_unset_variable_before_the_tag if {
	rs := mcp_sc_001.deny with input as {"dockerfile": {"from": [
		{"kind": "external", "image": "pakyow/ci-ruby-$ruby:latest", "resolved": "pakyow/ci-ruby-:latest", "indeterminate": true, "pin_fixed": true, "loc": l},
		{"kind": "external", "image": "${REGISTRY}/node:20.11", "resolved": "/node:20.11", "indeterminate": true, "pin_fixed": true, "loc": l},
	]}}
	count(rs) == 1
	some r in rs
	r.msg == "base image \"pakyow/ci-ruby-$ruby:latest\" uses the mutable `latest` tag"
}

sjl := {"file": "server.json", "line": 18, "col": 7, "end_line": 18, "end_col": 19}

server_json(id, version) := {"kind": "mcp_metadata", "metadata": {"format": "registry-server"}, "doc": {"packages": [{"registryType": "oci", "identifier": id, "version": version, "loc": l, "key_locs": {"identifier": sjl}}]}}

test_server_json_oci_package if {
	rs := mcp_sc_001.deny with input as server_json("docker.io/mcp/redis:latest", null)
	[r.msg | some r in rs] == ["`server.json` OCI package \"docker.io/mcp/redis:latest\" uses the mutable `latest` tag"]
	[r.loc | some r in rs] == [sjl]
	count(mcp_sc_001.deny) == 1 with input as server_json("ghcr.io/acme/srv", null)
	count(mcp_sc_001.deny) == 0 with input as server_json("ghcr.io/acme/srv", "1.2.0")
	count(mcp_sc_001.deny) == 0 with input as server_json("docker.io/mcp/redis:1.0.3", null)
	count(mcp_sc_001.deny) == 0 with input as server_json("docker.io/grafana/mcp-grafana:$VERSION", null)
}

test_metadata_without_oci_packages_is_not_applicable if {
	not mcp_sc_001.applicable with input as {"kind": "mcp_metadata", "metadata": {"format": "mcp-manifest"}, "doc": {}}
	mcp_sc_001.applicable with input as server_json("docker.io/mcp/redis:1.0.0", null)
	mcp_sc_001.applicable with input as {"kind": "compose_service"}
}
