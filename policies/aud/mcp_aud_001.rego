# METADATA
# title: File could not be parsed
# description: >-
#   A file that the scan found (a Dockerfile, a Compose file, MCP metadata)
#   could not be read or parsed, wholly or in part. The finding points at the
#   error's location; everything else in the file that could be parsed, and
#   every other file, is still scanned.
# custom:
#   id: MCP-AUD-001
#   severity: HIGH
#   kinds: [source_file]
#   remediation: >-
#     Fix the syntax error. If the file is not meant to be scanned, exclude it
#     (`.gitignore`, or `exclude` in `.mcp-audit.yaml`).
#   references:
#     - Dockerfile reference
#     - Compose specification
package mcp_audit.aud.mcp_aud_001

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some e in input.errors
	r := result.new(sprintf("cannot parse %s: %s", [input.format, e.message]), e)
}
