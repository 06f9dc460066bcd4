# METADATA
# title: Suppression without a reason
# description: >-
#   An inline `# mcp-audit ignore=MCP-XX-NNN` comment (or a waiver) gives no
#   `reason="…"`. The suppression still applies, but an unexplained exception
#   cannot be reviewed: every suppression must say why.
# custom:
#   id: MCP-AUD-002
#   severity: MEDIUM
#   kinds: [suppressions]
#   remediation: >-
#     Add `reason="…"` to the comment (for example
#     `# mcp-audit ignore=MCP-CS-004 reason="limits enforced by the orchestrator"`),
#     or fix the finding and remove the comment.
#   references:
#     - "mcp-audit README: suppressions"
package mcp_audit.aud.mcp_aud_002

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some s in input.suppressions
	not has_reason(s)
	r := result.new(sprintf("suppression of %s gives no reason", [concat(", ", s.rules)]), s)
}

has_reason(s) if {
	is_string(s.reason)
	trim_space(s.reason) != ""
}
