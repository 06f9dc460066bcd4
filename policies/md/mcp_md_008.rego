# METADATA
# title: Fixable CRITICAL/HIGH vulnerability older than the patch SLA
# description: >-
#   The vulnerability report given with `--vulns` (Trivy or Grype JSON) covers the
#   image this unit runs, and that image has a CRITICAL or HIGH
#   vulnerability for which a fixed version exists: a fixable CRITICAL one
#   fails at any age (the "0 critical" release gate), a fixable HIGH one once
#   it was published more than the patch SLA ago (the manifest's
#   `security.patchSlaDays`, else the 7-day policy maximum) before the scan
#   date. The report is matched to the unit by image: its `ArtifactName` (Grype: `source.target.userInput`) and
#   the unit's image (Compose `image:` of an MCP server or hub, the image of
#   a client-config `docker run`, a `server.json` OCI package) name the same
#   repository, and the same tag when both carry one (digests are ignored).
#   Not applicable without a report, or when the report is about another
#   image. Not reported: vulnerabilities without a fixed version (a
#   decommission trigger, see MCP-MD-009), MEDIUM and LOW ones, a HIGH one
#   whose publication date is unknown (Grype reports give none). One finding
#   per unit lists every
#   overdue vulnerability in its evidence.
# custom:
#   id: MCP-MD-008
#   severity: HIGH
#   kinds: [compose_service, mcp_client, mcp_metadata]
#   remediation: >-
#     Rebuild the image on a patched base image or dependency (the report's
#     fixed version) within the SLA and redeploy; if no fix exists, follow the
#     decommission process. Wire the scanner into CI (`trivy image
#     --severity HIGH,CRITICAL --exit-code 1`).
#   references:
#     - CIS Docker Benchmark 4.4 (rebuild images to include security patches)
#     - OWASP MCP Top 10 MCP04
package mcp_audit.md.mcp_md_008

import data.mcp_audit.lib.image
import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if {
	input.vulns.provided == true
	covered
}

# --- the unit's image: {value, node}

unit_image := {"value": input.service.image.value, "node": input.service.image} if {
	input.kind == "compose_service"
	common.server_unit
	is_string(input.service.image.value)
	not input.service.image.indeterminate
}

unit_image := {"value": input.server.docker.image.value, "node": input.server.docker.image} if {
	input.kind == "mcp_client"
	is_string(input.server.docker.image.value)
}

unit_image := {"value": ref, "node": input.metadata} if {
	input.kind == "mcp_metadata"
	some ref in object.get(input.metadata, "images", [])
	same_image(ref, input.vulns.artifact)
}

# The report is about this unit's image.
covered if {
	is_string(input.vulns.artifact)
	same_image(unit_image.value, input.vulns.artifact)
}

# same_image(a, b): same repository (without `docker.io/`, `library/`), and
# the same tag when both have one.
same_image(a, b) if {
	repository(a) == repository(b)
	not tags_differ(a, b)
}

tags_differ(a, b) if image.tag(a) != image.tag(b)

repository(ref) := r if {
	name := split(ref, "@")[0]
	seg := image.last_segment(name)
	base := substring(name, 0, count(name) - count(seg))
	r := trim_prefix(trim_prefix(trim_prefix(lower(concat("", [base, split(seg, ":")[0]])), "docker.io/"), "index.docker.io/"), "library/")
}

# --- the SLA

sla := d if {
	d := common.manifest_value(["security", "patchSlaDays"])
	is_number(d)
	d >= 0
} else := 7

# --- overdue vulnerabilities

overdue contains v if {
	some v in input.vulns.vulnerabilities
	v.severity == "CRITICAL"
	fixable(v)
}

overdue contains v if {
	some v in input.vulns.vulnerabilities
	v.severity == "HIGH"
	fixable(v)
	common.days_between(v.published, input.scan.date) > sla
}

fixable(v) if {
	is_string(v.fixed)
	trim_space(v.fixed) != ""
}

# age(v): days since publication, or null when unknown.
age(v) := common.days_between(v.published, input.scan.date) if common.date_ns(v.published)

age(v) := null if not common.date_ns(v.published)

deny contains r if {
	applicable
	count(overdue) > 0
	items := sort([sprintf("%s (%s, %s %s → %s)", [v.id, v.severity, v.package, v.installed, v.fixed]) | some v in overdue])
	criticals := count([v | some v in overdue; v.severity == "CRITICAL"])
	r := result.with_evidence(
		sprintf("%s %q: image %q has %d fixable CRITICAL/HIGH vulnerabilit%s past the %d-day patch SLA%s: %s", [
			what, input.unit.name, unit_image.value, count(overdue), plural(count(overdue)), sla,
			critical_note(criticals), concat(", ", items),
		]),
		unit_image.node,
		{
			"artifact": input.vulns.artifact,
			"patch_sla_days": sla,
			"vulnerabilities": sort([{"id": v.id, "severity": v.severity, "package": v.package, "installed": v.installed, "fixed": v.fixed, "published": v.published, "age_days": age(v)} | some v in overdue]),
		},
	)
}

what := common.unit_kind if input.kind == "compose_service"

what := "client entry" if input.kind == "mcp_client"

what := "server.json" if input.kind == "mcp_metadata"

plural(1) := "y"

plural(n) := "ies" if n != 1

critical_note(0) := ""

critical_note(n) := " (CRITICAL fails the release gate at any age)" if n > 0
