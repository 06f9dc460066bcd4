# Shared helpers for building findings. Policies never compute line numbers: they
# pass the input node that the finding is about, and its `loc` (and provenance
# chain `from`, when the node is a resolved value) is copied into the result.
package mcp_audit.lib.result

import rego.v1

# new(msg, node) is the finding object every `deny` rule returns.
new(msg, node) := {
	"msg": msg,
	"loc": object.get(node, "loc", null),
	"related": object.get(node, "from", []),
}

# with_evidence(msg, node, evidence) adds a machine-readable evidence object.
# (Written out rather than as object.union(new(msg, node), {"evidence": evidence}):
# the same object, with no merge.)
with_evidence(msg, node, evidence) := {
	"msg": msg,
	"loc": object.get(node, "loc", null),
	"related": object.get(node, "from", []),
	"evidence": evidence,
}
