# Dockerfile helpers shared by the rules that read instructions.
package mcp_audit.lib.dockerfile

import rego.v1

# shipped(keyword): the instructions with `keyword` of the target stage's ancestry
# (what ends up in the image), from the index mcp-audit builds
# (`input.dockerfile.keywords`: keyword → indexes in `instructions`).
shipped(keyword) := [inst |
	some n in object.get(input.dockerfile.keywords, keyword, [])
	inst := input.dockerfile.instructions[n]
	inst.in_chain
]
