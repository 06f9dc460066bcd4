package mcp_audit.lib.vars_test

import data.mcp_audit.lib.vars
import rego.v1

test_unset_names if {
	vars.unset_names([
		{"name": "ORG", "origin": "unset"},
		{"name": "TAG", "origin": "default"},
		{"name": "ENV", "origin": "required"},
	]) == "${ORG} is not set and has no default, ${ENV} is required at deploy time"
	vars.unset_names([]) == ""
}
