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

written(image, head) := object.union(svc("", s1_preset), {"service": {
	"image": {"indeterminate": true},
	"image_written": image,
	"image_registry_head": head,
}})

test_unset_variable_after_an_allowlisted_prefix_passes if {
	count(mcp_sc_002.deny) == 0 with input as written("localhost:5000/idp/${SERVER_NAME}:latest", "localhost:5000/idp/")
	count(mcp_sc_002.deny) == 0 with input as written("mcp/${NAME}", "mcp/")
}

test_unset_variable_after_a_prefix_outside_the_allowlist if {
	rs := mcp_sc_002.deny with input as written("ghcr.io/other/${NAME}:1.0", "ghcr.io/other/")
	count(rs) == 1
	some r in rs
	r.msg == "image \"ghcr.io/other/${NAME}:1.0\" comes from ghcr.io/other, which is not in `allowed_registries` (localhost:5000/idp/*, docker.io/mcp/*, ghcr.io/acme/*)"
	r.evidence.normalized_prefix == "ghcr.io/other/"
	r.loc == l
}

test_unset_tag_of_a_hub_image if {
	rs := mcp_sc_002.deny with input as written("node:${TAG}", "node:")
	some r in rs
	contains(r.msg, "comes from docker.io/library,")
	count(mcp_sc_002.deny) == 0 with input as written("mcp/fetch:${TAG}", "mcp/fetch:")
}

test_prefix_that_may_still_be_allowed_is_left_undecided if {
	# `ghcr.io/${ORG}` may be `ghcr.io/acme`.
	count(mcp_sc_002.deny) == 0 with input as written("ghcr.io/${ORG}/app:1", "ghcr.io/")

	# `docker.io/${NAME}` may be `docker.io/mcp/…`.
	count(mcp_sc_002.deny) == 0 with input as written("docker.io/${NAME}", "docker.io/")

	# `localhost:5000/id${X}` may be `localhost:5000/idp/…`.
	count(mcp_sc_002.deny) == 0 with input as written("localhost:5000/id${X}/app", "localhost:5000/id")

	# An exact entry: `ghcr.io/acme/${NAME}` may be `ghcr.io/acme/app`.
	count(mcp_sc_002.deny) == 0 with input as object.union(written("ghcr.io/acme/${NAME}", "ghcr.io/acme/"), {"config": {"allowed_registries": ["ghcr.io/acme/app"]}})
}

# What may or may not be allowed is undecided (the verdict is indeterminate and
# MCP-EC-004 says why); a head every match of which is allowed, or none, is decided.
test_undecided_only_while_the_head_leaves_it_open if {
	us := mcp_sc_002.indeterminate with input as object.union(written("ghcr.io/${ORG}/app:1", "ghcr.io/"), {"service": {"image": {"loc": l, "vars": [{"name": "ORG", "origin": "unset"}]}}})
	count(us) == 1
	some u in us
	u.control == "image registry"
	u.reason == "image \"ghcr.io/${ORG}/app:1\" may or may not come from `allowed_registries` (localhost:5000/idp/*, docker.io/mcp/*, ghcr.io/acme/*): ${ORG} is not set and has no default"
	u.loc == l

	# Every `ghcr.io/acme/…` is allowed; no `ghcr.io/other/…` is.
	count(mcp_sc_002.indeterminate) == 0 with input as written("ghcr.io/acme/${NAME}:1", "ghcr.io/acme/")
	count(mcp_sc_002.indeterminate) == 0 with input as written("ghcr.io/other/${NAME}:1", "ghcr.io/other/")

	# `ghcr.io/acme${X}` may be `ghcr.io/acmeevil/…`; an exact entry is matched by a
	# head only with its separator.
	count(mcp_sc_002.indeterminate) == 1 with input as written("ghcr.io/acme${X}/app", "ghcr.io/acme")
	exact := {"config": {"allowed_registries": ["ghcr.io/acme/app"]}}
	count(mcp_sc_002.indeterminate) == 1 with input as object.union(written("ghcr.io/acme/${NAME}", "ghcr.io/acme/"), exact)
	count(mcp_sc_002.indeterminate) == 0 with input as object.union(written("ghcr.io/acme/app:${TAG}", "ghcr.io/acme/app:"), exact)

	# Off without an allowlist; not for an image built here.
	count(mcp_sc_002.indeterminate) == 0 with input as object.union(written("ghcr.io/${ORG}/app:1", "ghcr.io/"), {"config": {"allowed_registries": []}})
	count(mcp_sc_002.indeterminate) == 0 with input as object.union(written("ghcr.io/${ORG}/app:1", "ghcr.io/"), {"service": {"has_build": true}})
}

test_required_variable_named_in_the_undecided_reason if {
	d := object.union(written("ghcr.io/${ORG:?set it}/app", "ghcr.io/"), {"service": {"image": {"vars": [{"name": "ORG", "origin": "required"}]}}})
	some u in mcp_sc_002.indeterminate with input as d
	endswith(u.reason, ": ${ORG} is required at deploy time")
}

test_undecided_base_image if {
	f := object.union(ext("docker.io/${NS}/node:22", 1), {"resolved": "docker.io//node:22", "indeterminate": true, "registry_head": "docker.io/"})
	us := mcp_sc_002.indeterminate with input as built([f], s1_preset)
	count(us) == 1
	some u in us
	startswith(u.reason, "base image of stage \"runtime\" \"docker.io/${NS}/node:22\" may or may not come from")
	u.loc == fl(1)
	g := object.union(ext("localhost:5000/idp/${BASE}", 1), {"resolved": "localhost:5000/idp/", "indeterminate": true, "registry_head": "localhost:5000/idp/"})
	count(mcp_sc_002.indeterminate) == 0 with input as built([g], s1_preset)
}

test_no_registry_head_is_left_to_ec_004 if {
	d := object.union(svc("/app:1", s1_preset), {"service": {"image": {"indeterminate": true}, "image_written": "${REGISTRY}/app:1"}})
	count(mcp_sc_002.deny) == 0 with input as d
}

test_docker_io_single_component_is_library if {
	count(mcp_sc_002.deny) == 0 with input as svc("docker.io/node:20", ["docker.io/library/*"])
	count(mcp_sc_002.deny) == 0 with input as svc("index.docker.io/node:20", ["node"])
	count(mcp_sc_002.deny) == 1 with input as svc("docker.io/node:20", ["docker.io/mcp/*"])
	count(mcp_sc_002.deny) == 0 with input as svc("localhost:5000/app:1", ["localhost:5000/app"])
}

test_all_of_docker_hub_entries if {
	every entry in ["docker.io/*", "docker.io/", "index.docker.io/*", "docker.io"] {
		every ref in ["node:20", "mcp/fetch:1.0", "docker.io/node:20", "docker.io/mcp/fetch:1.0"] {
			count(mcp_sc_002.deny) == 0 with input as svc(ref, [entry])
		}
	}
	count(mcp_sc_002.deny) == 1 with input as svc("ghcr.io/acme/x:1", ["docker.io/*"])
}

test_unresolved_from_with_a_registry_head if {
	f := object.union(ext("python:${PY}", 1), {"resolved": "python:", "indeterminate": true, "registry_head": "python:"})
	rs := mcp_sc_002.deny with input as built([f], s1_preset)
	some r in rs
	contains(r.msg, "base image of stage \"runtime\" \"python:${PY}\" comes from docker.io/library,")
	g := object.union(ext("localhost:5000/idp/${BASE}", 1), {"resolved": "localhost:5000/idp/", "indeterminate": true, "registry_head": "localhost:5000/idp/"})
	count(mcp_sc_002.deny) == 0 with input as built([g], s1_preset)
}

test_standalone_dockerfile_froms if {
	d := {"kind": "dockerfile", "unit": {"name": "Dockerfile"}, "dockerfile": {"from": [ext("quay.io/evil/base:1.2.3", 1)]}, "config": {"allowed_registries": s1_preset}}
	rs := mcp_sc_002.deny with input as d
	count(rs) == 1
	some r in rs
	contains(r.msg, "quay.io/evil")
}

client(image) := {
	"kind": "mcp_client",
	"unit": {"name": "gh"},
	"server": {"docker": {"image": {"value": image, "loc": l}}},
	"config": {"allowed_registries": s1_preset},
}

test_client_docker_run_image if {
	rs := mcp_sc_002.deny with input as client("ghcr.io/github/github-mcp-server:1.0.0")
	count(rs) == 1
	some r in rs
	contains(r.msg, `client entry "gh": image "ghcr.io/github/github-mcp-server:1.0.0" comes from ghcr.io/github`)
	count(mcp_sc_002.deny) == 0 with input as client("localhost:5000/idp/github:1.0.0")
	count(mcp_sc_002.deny) == 0 with input as client("ghcr.io/${ORG}/server:1")
	count(mcp_sc_002.deny) == 0 with input as object.union(client("quay.io/x/y:1"), {"config": {"allowed_registries": []}})
}

server_json(id) := {
	"kind": "mcp_metadata",
	"metadata": {"format": "registry-server"},
	"doc": {"packages": [{"registryType": "oci", "identifier": id, "loc": l}]},
	"config": {"allowed_registries": s1_preset},
}

test_server_json_oci_package if {
	rs := mcp_sc_002.deny with input as server_json("ghcr.io/github/github-mcp-server:1.0.0")
	count(rs) == 1
	some r in rs
	contains(r.msg, "`server.json` OCI package \"ghcr.io/github/github-mcp-server:1.0.0\" comes from ghcr.io/github")
	r.loc == l
	count(mcp_sc_002.deny) == 0 with input as server_json("docker.io/mcp/redis:1.0.0")
}

test_metadata_without_oci_packages_is_not_applicable if {
	not mcp_sc_002.applicable with input as {"kind": "mcp_metadata", "metadata": {"format": "registry-server"}, "doc": {"packages": [{"registryType": "npm", "identifier": "x", "loc": l}]}, "config": {"allowed_registries": s1_preset}}
	mcp_sc_002.applicable with input as server_json("docker.io/mcp/redis:1.0.0")
}
