# METADATA
# title: Expired waiver
# description: >-
#   A waiver in `.mcp-audit.yaml` is past its `expires` date. It no longer
#   suppresses anything: the findings it covered count again.
# custom:
#   id: MCP-AUD-004
#   severity: MEDIUM
#   kinds: [suppressions]
#   remediation: >-
#     Fix the findings and delete the waiver, or renew it with a new
#     `expires` date and an updated reason after a review.
#   references:
#     - "mcp-audit README: waivers"
package mcp_audit.aud.mcp_aud_004

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some s in input.suppressions
	s.expired
	r := result.new(sprintf("waiver of %s expired on %s", [concat(", ", s.rules), s.expires]), s)
}
