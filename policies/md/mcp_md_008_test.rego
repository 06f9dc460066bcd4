package mcp_audit.md.mcp_md_008_test

import data.mcp_audit.md.mcp_md_008
import rego.v1

img_loc := {"file": "compose.yaml", "line": 3, "col": 12, "end_line": 3, "end_col": 50}

vuln(id, severity, fixed, published) := {"id": id, "package": "openssl", "installed": "3.0.1", "fixed": fixed, "severity": severity, "published": published, "target": "debian 12"}

report(artifact, vulns) := {"provided": true, "artifact": artifact, "vulnerabilities": vulns}

service(image, manifest, vulns) := {
	"kind": "compose_service",
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": {"image": {"value": image, "loc": img_loc}, "labels": {}},
	"manifest": manifest,
	"config": {},
	"scan": {"date": "2026-11-24"},
	"vulns": vulns,
}

sla_manifest(days) := {"doc": {"security": {"patchSlaDays": days}}}

high_old := vuln("CVE-2026-1000", "HIGH", "3.0.15", "2026-11-01")

high_recent := vuln("CVE-2026-1001", "HIGH", "3.0.15", "2026-11-20")

critical_recent := vuln("CVE-2026-1002", "CRITICAL", "3.0.16", "2026-11-23")

critical_unfixed := vuln("CVE-2026-1003", "CRITICAL", null, "2025-01-01")

medium_old := vuln("CVE-2025-1004", "MEDIUM", "3.0.9", "2025-01-01")

test_not_applicable_without_report if {
	not mcp_md_008.applicable with input as service("ghcr.io/acme/github-mcp:1.2.0", null, {"provided": false, "vulnerabilities": []})
}

test_not_applicable_for_another_image if {
	not mcp_md_008.applicable with input as service("ghcr.io/acme/github-mcp:1.2.0", null, report("postgres:16", [high_old]))
	not mcp_md_008.applicable with input as service("ghcr.io/acme/github-mcp:1.2.0", null, report("ghcr.io/acme/github-mcp:1.1.0", [high_old]))
}

test_old_fixable_high_fails if {
	rs := mcp_md_008.deny with input as service("ghcr.io/acme/github-mcp:1.2.0", null, report("ghcr.io/acme/github-mcp:1.2.0", [high_old, high_recent, medium_old]))
	count(rs) == 1
	some r in rs
	r.loc == img_loc
	contains(r.msg, "CVE-2026-1000")
	not contains(r.msg, "CVE-2026-1001")
	not contains(r.msg, "CVE-2025-1004")
	r.evidence.patch_sla_days == 7
	r.evidence.vulnerabilities[0].age_days == 23
}

test_fixable_critical_fails_at_any_age if {
	rs := mcp_md_008.deny with input as service("ghcr.io/acme/github-mcp", null, report("ghcr.io/acme/github-mcp:1.2.0", [critical_recent]))
	count(rs) == 1
	some r in rs
	contains(r.msg, "CRITICAL fails the release gate")
}

test_unfixed_and_recent_pass if {
	rs := mcp_md_008.deny with input as service("ghcr.io/acme/github-mcp:1.2.0", null, report("ghcr.io/acme/github-mcp:1.2.0", [critical_unfixed, high_recent, medium_old]))
	count(rs) == 0
}

test_manifest_sla_is_used if {
	longer := mcp_md_008.deny with input as service("ghcr.io/acme/github-mcp:1.2.0", sla_manifest(30), report("ghcr.io/acme/github-mcp:1.2.0", [high_old]))
	count(longer) == 0
	shorter := mcp_md_008.deny with input as service("ghcr.io/acme/github-mcp:1.2.0", sla_manifest(2), report("ghcr.io/acme/github-mcp:1.2.0", [high_recent]))
	count(shorter) == 1
}

test_docker_hub_names_and_digests_match if {
	rs := mcp_md_008.deny with input as service("docker.io/library/python:3.12@sha256:0123", null, report("python:3.12", [high_old]))
	count(rs) == 1
}

test_supporting_service_not_judged if {
	inp := object.union(service("postgres:16", null, report("postgres:16", [high_old])), {"unit": {"name": "db", "role": "supporting-service"}})
	not mcp_md_008.applicable with input as inp
}

test_client_docker_run_image if {
	inp := {
		"kind": "mcp_client",
		"unit": {"name": "idp-central", "role": "client-entry"},
		"server": {"docker": {"image": {"value": "localhost:5000/idp/mcp-bridge:latest", "loc": img_loc}}},
		"scan": {"date": "2026-11-24"},
		"vulns": report("localhost:5000/idp/mcp-bridge:latest", [high_old]),
	}
	rs := mcp_md_008.deny with input as inp
	count(rs) == 1
	some r in rs
	startswith(r.msg, "client entry \"idp-central\"")
}

test_server_json_oci_package if {
	inp := {
		"kind": "mcp_metadata",
		"unit": {"name": "io.github.acme/github-mcp", "role": "metadata-file"},
		"metadata": {"images": ["ghcr.io/acme/github-mcp:1.2.0"], "loc": img_loc},
		"scan": {"date": "2026-11-24"},
		"vulns": report("ghcr.io/acme/github-mcp:1.2.0", [critical_recent]),
	}
	rs := mcp_md_008.deny with input as inp
	count(rs) == 1
}
