package mcp_audit.ec.mcp_ec_004_test

import data.mcp_audit.ec.mcp_ec_004
import rego.v1

cl := {"file": "compose.yaml", "line": 7, "col": 7, "end_line": 7, "end_col": 20}

test_each_indeterminate_control_reported if {
	count(mcp_ec_004.deny) == 2 with input as {"indeterminate": [
		{"control": "memory limit", "reason": "${MEM} is not set", "rules": ["MCP-CS-004"], "loc": cl},
		{"control": "user", "reason": "image is opaque", "rules": ["MCP-EC-001"], "loc": cl},
	]}
}

test_nothing_indeterminate if {
	count(mcp_ec_004.deny) == 0 with input as {"indeterminate": []}
}

# MCP-SC-002's undecided images are reported here, with the rule they leave open.
test_undecided_image_registry_reported if {
	d := {
		"kind": "compose_service",
		"indeterminate": [],
		"service": {
			"image": {"value": "ghcr.io//app:1", "loc": cl, "indeterminate": true, "vars": [{"name": "ORG", "origin": "unset"}]},
			"image_written": "ghcr.io/${ORG}/app:1",
			"image_registry_head": "ghcr.io/",
			"has_build": false,
		},
		"config": {"allowed_registries": ["ghcr.io/acme/*"]},
	}
	rs := mcp_ec_004.deny with input as d
	count(rs) == 1
	some r in rs
	startswith(r.msg, "indeterminate image registry: image \"ghcr.io/${ORG}/app:1\" may or may not come from")
	r.evidence.rules == ["MCP-SC-002"]
	r.loc == cl
}

test_undecided_hub_dind_reported if {
	d := {
		"kind": "compose_service",
		"indeterminate": [],
		"unit": {"name": "gateway", "role": "hub"},
		"service": {"cap_add": [], "devices": [], "environment": {"DOCKER_MCP_IN_DIND": {"value": "", "loc": cl, "indeterminate": true, "vars": [{"name": "DIND", "origin": "unset"}]}}},
		"config": {},
	}
	rs := mcp_ec_004.deny with input as d
	count(rs) == 1
	some r in rs
	r.evidence == {"control": "DOCKER_MCP_IN_DIND", "rules": ["MCP-CS-001"]}
}
