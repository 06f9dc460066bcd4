# METADATA
# title: No effective healthcheck
# description: >-
#   A long-running Compose service has no health check once Compose and the
#   image are combined: `healthcheck.disable: true` or `test: ["NONE"]` cancels
#   a Dockerfile HEALTHCHECK; a Compose `test` replaces it; a timing-only
#   Compose block inherits the image's test, which must exist; otherwise the
#   Dockerfile target stage's HEALTHCHECK (through its ancestry, down to a base
#   image whose `healthcheck` the config's `base_images` gives) decides.
# custom:
#   id: MCP-EC-002
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Add a HEALTHCHECK to the image, or `healthcheck.test` in Compose (for
#     example an HTTP probe of `/health/liveness`); never `disable: true` for
#     servers.
#   references:
#     - CIS Docker Benchmark 4.6, 5.27
#     - "KICS: Healthcheck Not Set"
package mcp_audit.ec.mcp_ec_002

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	h := input.effective.healthcheck
	not h.present
	not h.indeterminate
	not one_shot
	r := result.with_evidence(sprintf("service %q has no effective healthcheck: %s", [input.unit.name, h.reason]), h, {"source": h.source})
}

# Services that are run to completion are jobs, not judged: another service
# waits for them with the `depends_on` condition `service_completed_successfully`
# (the resolver's `one_shot`), or they carry the `mcp.job=true` label, as
# MCP-CS-017 reads them.
one_shot if input.service.one_shot == true

one_shot if lower(input.service.labels["mcp.job"].value) == "true"
