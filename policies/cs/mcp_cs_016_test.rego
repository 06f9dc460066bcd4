package mcp_audit.cs.mcp_cs_016_test

import data.mcp_audit.cs.mcp_cs_016
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 7, "end_line": line, "end_col": 20}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

svc(logging) := {"unit": {"name": "fetch-mcp"}, "service": {"name": "fetch-mcp", "loc": l(2), "logging": logging}, "config": {}}

logging(driver, options) := {"driver": driver, "options": options, "loc": l(5)}

findings(d) := rs if {
	rs := mcp_cs_016.deny with input as d
}

test_no_logging_block if {
	rs := findings(svc(null))
	count(rs) == 1
	some r in rs
	r.loc == l(2)
	contains(r.msg, "no log rotation")
}

test_logging_without_driver_or_size if {
	rs := findings(svc(logging(null, {"max-file": val("3", 7)})))
	count(rs) == 1
	some r in rs
	r.loc == l(5)
}

test_json_file_without_max_size if {
	rs := findings(svc(logging(val("json-file", 6), {"max-file": val("3", 7)})))
	count(rs) == 1
	some r in rs
	r.loc == l(6)
}

test_json_file_unlimited_size if {
	count(findings(svc(logging(val("json-file", 6), {"max-size": val("-1", 7)})))) == 1
}

test_none_driver if {
	rs := findings(svc(logging(val("none", 6), {})))
	count(rs) == 1
	some r in rs
	contains(r.msg, "audit trail")
}

test_json_file_with_max_size_passes if {
	count(findings(svc(logging(val("json-file", 6), {"max-size": val("10m", 7), "max-file": val("3", 8)})))) == 0
}

test_options_for_daemon_default_driver_pass if {
	count(findings(svc(logging(null, {"max-size": val("10m", 7)})))) == 0
}

test_local_driver_passes if {
	count(findings(svc(logging(val("local", 6), {})))) == 0
}

test_central_drivers_pass if {
	every d in ["journald", "syslog", "fluentd", "gelf", "awslogs", "splunk", "gcplogs", "loki"] {
		count(findings(svc(logging(val(d, 6), {})))) == 0
	}
}

test_daemon_log_rotation_flag_passes if {
	d := object.union(svc(null), {"config": {"daemon_log_rotation": true}})
	count(findings(d)) == 0
}

test_indeterminate_driver_skipped if {
	count(findings(svc(logging({"value": "", "loc": l(6), "indeterminate": true}, {})))) == 0
}

test_indeterminate_max_size_skipped if {
	count(findings(svc(logging(val("json-file", 6), {"max-size": {"value": "", "loc": l(7), "indeterminate": true}})))) == 0
}
