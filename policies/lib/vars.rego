# Helpers for values an unset `${VAR}` leaves undecided.
package mcp_audit.lib.vars

import rego.v1

# The unresolved variables of a value's `vars`, named as the unit's own
# `input.indeterminate` entries name them: "${ORG} is not set and has no default".
unset_names(vars) := concat(", ", [unset_name(v) | some v in vars; v.origin in {"unset", "required"}])

unset_name(v) := sprintf("${%s} is required at deploy time", [v.name]) if v.origin == "required"

else := sprintf("${%s} is not set and has no default", [v.name])
