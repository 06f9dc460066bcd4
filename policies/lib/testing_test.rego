# Helpers for the Rego tests (loaded only with them).
package mcp_audit.lib.testing

import rego.v1

# The `programs` index mcp-audit builds for a Dockerfile (src/resolve/stage.rs) from
# the `calls` of its RUN instructions: program name → runs {args, inst, stage, in_chain}.
programs(instructions) := {name: runs |
	some inst in instructions
	some c in object.get(inst, "calls", [])
	name := c.program
	runs := [{"args": c2.args, "inst": i, "stage": x.stage, "in_chain": x.in_chain} |
		some i, x in instructions
		some c2 in object.get(x, "calls", [])
		c2.program == name
	]
}

# The `keywords` index mcp-audit builds for a Dockerfile: keyword → indexes of its
# instructions, in order.
keywords(instructions) := {k: [n | some n, x in instructions; x.keyword == k] |
	some i in instructions
	k := i.keyword
}

test_keywords_index_instructions if {
	keywords([{"keyword": "FROM"}, {"keyword": "ENV"}, {"keyword": "RUN"}, {"keyword": "ENV"}]) == {"FROM": [0], "ENV": [1, 3], "RUN": [2]}
}

test_programs_group_runs_by_program if {
	insts := [
		{"stage": "a", "in_chain": false, "calls": [{"program": "npm", "args": ["ci"]}]},
		{"stage": "b", "in_chain": true, "calls": [{"program": "npm", "args": ["i", "x"]}, {"program": "go", "args": []}]},
	]
	programs(insts) == {
		"npm": [
			{"args": ["ci"], "inst": 0, "stage": "a", "in_chain": false},
			{"args": ["i", "x"], "inst": 1, "stage": "b", "in_chain": true},
		],
		"go": [{"args": [], "inst": 1, "stage": "b", "in_chain": true}],
	}
}
