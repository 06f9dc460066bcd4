# METADATA
# title: Log rotation / central logging not configured
# description: >-
#   The service's logs are neither rotated nor shipped: no `logging.driver`
#   (the daemon default `json-file` keeps logs without rotation) and no
#   `max-size` option or `daemon_log_rotation` in the configuration; or
#   `json-file` without `options.max-size` (or with `max-size: "-1"`); or
#   the `none` driver, which discards the audit trail. The `local` driver
#   (rotates by default) and central drivers (`journald`, `syslog`,
#   `fluentd`, `gelf`, `awslogs`, `splunk`, `gcplogs`, Loki, …) pass.
#   Anchors and `<<` merges are resolved, so a shared `x-logging` block
#   counts. An unresolved variable is indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-016
#   severity: LOW
#   kinds: [compose_service]
#   remediation: >-
#     Set `logging: {driver: json-file, options: {max-size: "10m", max-file:
#     "3"}}` through a shared `x-` anchor, or use `driver: local` or a central
#     logging driver.
#   references:
#     - CIS Docker Benchmark 2.13 (centralized and remote logging)
#     - Docker documentation, JSON File logging driver (no rotation by default)
package mcp_audit.cs.mcp_cs_016

import data.mcp_audit.lib.result
import rego.v1

# No driver: the daemon default (json-file) applies, with the service's options.
deny contains r if {
	not driver
	not rotation_option
	not daemon_log_rotation
	r := result.new(sprintf("service %q configures no log rotation: no `logging.driver` (the daemon default `json-file` does not rotate) and no `max-size`", [input.unit.name]), logging_node)
}

deny contains r if {
	d := driver
	lower(d.value) == "json-file"
	not rotation_option
	not daemon_log_rotation
	r := result.new(sprintf("service %q logs with `json-file` without a `max-size` limit, so its logs grow without bound", [input.unit.name]), d)
}

deny contains r if {
	d := driver
	lower(d.value) == "none"
	r := result.new(sprintf("service %q discards its logs (`logging.driver: none`): no audit trail", [input.unit.name]), d)
}

driver := d if {
	d := input.service.logging.driver
	d != null
}

# An indeterminate size is not judged (MCP-EC-004): it counts as set.
rotation_option if {
	m := input.service.logging.options["max-size"]
	m.indeterminate
}

rotation_option if {
	m := input.service.logging.options["max-size"]
	not m.indeterminate
	not trim_space(m.value) in {"", "-1"}
}

daemon_log_rotation if object.get(input, ["config", "daemon_log_rotation"], false) == true

logging_node := input.service.logging if input.service.logging != null

logging_node := input.service if input.service.logging == null
