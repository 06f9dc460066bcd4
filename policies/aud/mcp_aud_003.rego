# METADATA
# title: Suppression that suppresses nothing
# description: >-
#   An inline `# mcp-audit ignore=…` comment, or a waiver in `.mcp-audit.yaml`,
#   matches no finding: the problem was fixed, the rule ID is wrong, or the
#   comment is on the wrong line. A comment that names several rules is also
#   reported for those of its rules that match nothing there while the others
#   do. Stale suppressions hide future regressions.
# custom:
#   id: MCP-AUD-003
#   severity: LOW
#   kinds: [suppressions]
#   remediation: >-
#     Remove the suppression, or move it to the line above the instruction or
#     YAML key that the finding points at.
#   references:
#     - "mcp-audit README: suppressions"
package mcp_audit.aud.mcp_aud_003

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some s in input.suppressions
	s.used == 0
	not s.expired
	r := result.new(sprintf("%s suppression of %s matches no finding", [s.source, concat(", ", s.rules)]), s)
}

deny contains r if {
	some s in input.suppressions
	s.used > 0
	not s.expired
	unused := object.get(s, "unused_rules", [])
	count(unused) > 0
	r := result.new(sprintf("%s suppression of %s matches no %s finding", [s.source, concat(", ", s.rules), concat(" or ", unused)]), s)
}
